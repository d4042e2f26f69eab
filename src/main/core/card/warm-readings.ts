// Warm before asked (issue 16): what the last read of each reader found (slot, certificates, holder),
// so the handoff that follows an insert finds it ready. Only where PC/SC can tell us the card went:
// an entry is dropped on its card's 'removed' event, when PC/SC goes down and whenever a call finds
// the reader empty — nothing personal outlives the card. The PIN status is the token's, so after a
// signature (a wrong PIN changes it) the next read asks the token again. Used by card-backend.ts.
import type { CardReading } from '../../../shared/domain';
import type { TokenSlot } from './token-access';

export interface ValidityWindow {
  notBefore: number;
  notAfter: number;
}

export interface WarmReading {
  reading: CardReading;
  window: ValidityWindow | null;
}

export const validityIn = (w: ValidityWindow, now: number): CardReading['validity'] =>
  now < w.notBefore ? 'not-yet-valid' : now > w.notAfter ? 'expired' : 'valid';

export interface WarmEntry {
  reading: Promise<WarmReading>;
  pinFresh: boolean;
  settled?: boolean;
}

export interface WarmReadingsDeps {
  /** A PC/SC monitor is there and warm-up is on. */
  enabled: boolean;
  stillIn(reader: string): boolean;
  /** Reads the card in `reader` in that reader's queue (one card operation at a time). */
  read(reader: string): Promise<WarmReading>;
  /** See CardBackendDeps.onWarmStuck. */
  onStuck?: (reader: string) => void;
  stuckMs?: number;
}

export function createWarmReadings(deps: WarmReadingsDeps) {
  const warm = new Map<string, WarmEntry>();
  // reader → the slot its last signature used (a handle, nothing personal); dropped with the warm entry.
  const lastSlot = new Map<string, string>();

  const forget = (reader?: string) => {
    if (reader === undefined) lastSlot.clear();
    else lastSlot.delete(reader);
    for (const [r, entry] of warm) {
      if (reader !== undefined && r !== reader) continue;
      warm.delete(r);
      if (!entry.settled && deps.onStuck) {
        const onStuck = deps.onStuck;
        const timer = setTimeout(() => entry.settled || onStuck(r), deps.stuckMs ?? 3000);
        timer.unref?.();
        void entry.reading.finally(() => clearTimeout(timer)).catch(() => undefined);
      }
    }
  };

  return {
    forget,
    readers: () => [...warm.keys()],
    current: (reader: string): WarmEntry | undefined => warm.get(reader),
    keep(reader: string, found: WarmReading) {
      if (deps.enabled && deps.stillIn(reader)) warm.set(reader, { reading: Promise.resolve(found), pinFresh: true, settled: true });
    },
    warmUp(reader: string) {
      if (!deps.enabled || warm.has(reader)) return;
      const entry: WarmEntry = { reading: deps.read(reader), pinFresh: true };
      warm.set(reader, entry);
      entry.reading.then(
        () => (entry.settled = true),
        () => {
          entry.settled = true;
          if (warm.get(reader) === entry) warm.delete(reader);
        },
      );
    },
    /** The warm slot, while its PIN status is fresh (no signature since the read) and the card is in. */
    async slot(reader: string): Promise<TokenSlot | undefined> {
      const entry = warm.get(reader);
      if (!entry || !entry.pinFresh || !deps.stillIn(reader)) return undefined;
      const found = await entry.reading.catch(() => undefined);
      if (!found || warm.get(reader) !== entry) return undefined;
      const r = found.reading;
      return { slotId: r.slotId, description: reader, tokenLabel: r.tokenLabel, tokenSerial: r.tokenSerial, manufacturer: '', model: '', pin: r.pin };
    },
    /** After a signature: the PIN counter may have changed. */
    signed(reader: string) {
      const entry = warm.get(reader);
      if (entry) entry.pinFresh = false;
    },
    /** The slot of the reader's last signature, while nothing said its card went. */
    lastSlot: { get: (reader: string) => lastSlot.get(reader), set: (reader: string, slotId: string) => lastSlot.set(reader, slotId) },
  };
}
