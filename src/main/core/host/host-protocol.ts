// What the supervisor and the card host say to each other. JSON only (Buffers as base64, PINs sealed:
// secret-seal.ts), so the same messages work over child_process.fork IPC and Electron's
// utilityProcess MessagePort.
import type { CardEvent, CardReading, ReaderState } from '../../../shared/domain';
import type { SerializedError } from '../../../shared/errors';
import type { SignMechanism } from '../card/card-port';
import { SECRET_FIELDS, type SmartcardOp } from '../card/smartcard-port';
import { isSealed, type SealedSecret } from './secret-seal';

export interface HostSettings {
  /** PKCS#11 module from settings; null → the per-OS SafeSign search list. */
  modulePath: string | null;
  /** Extra search candidates (tests); replaces the per-OS list when given. */
  moduleCandidates?: string[];
  /** false → no PC/SC monitor (SoftHSM-only hosts, benchmarks). */
  pcsc: boolean;
  /** Compiled token worker file (built app); dev/test run the .ts through tsx. */
  tokenWorkerFile?: string;
  /**
   * The ZORG-ID Smartcard's PKCS#11 module when it is not the UZI-pas middleware (card lab: SoftHSM2).
   * Loaded in a token worker of its own beside the first; its tokens join the same slot list.
   */
  smartcardModulePath?: string | null;
  /**
   * Read a card as soon as it is inserted (and at start), so the handoff finds it ready (default
   * true). Off only for benchmarks of the bare event path.
   */
  warmUp?: boolean;
}

export type CallMethod = 'readers' | 'read' | 'sign' | 'smartcard' | 'diagnose';

export interface WireSignRequest {
  reader: string;
  certificateId: string;
  mechanism: SignMechanism;
  data: string;
  pin: SealedSecret;
}

export type ToHost =
  /** `sealKey`: base64 of the supervisor's key for the PINs in later calls (secret-seal.ts). */
  | { t: 'init'; settings: HostSettings; sealKey: string }
  | { t: 'call'; id: number; method: 'readers' }
  | { t: 'call'; id: number; method: 'read'; reader: string }
  | { t: 'call'; id: number; method: 'sign'; request: WireSignRequest }
  /** A Smartcard token operation (smartcard-port.ts); `request` through toWire. */
  | { t: 'call'; id: number; method: 'smartcard'; op: SmartcardOp; request: unknown }
  /** The card host's part of the diagnostics report (host-diagnose.ts). */
  | { t: 'call'; id: number; method: 'diagnose' };

export type FromHost =
  | { t: 'ready' }
  | { t: 'event'; event: CardEvent }
  /** A LogEvent for the app's log (core/diagnostics/log-event.ts); main sanitises it again. */
  | { t: 'log'; event: unknown }
  | { t: 'result'; id: number; ok: true; value: ReaderState[] | CardReading | string | WireBytes | object }
  | { t: 'result'; id: number; ok: false; error: SerializedError };

/** The smallest common shape of a fork()ed child's IPC and Electron's parentPort. */
export interface HostTransport {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** A Buffer on the JSON wire. */
export interface WireBytes {
  $b64: string;
}

/**
 * Buffers → { $b64 } for JSON IPC; a PIN field (SECRET_FIELDS) → `seal(pin)`, and the PIN Buffer is
 * zeroed. Without `seal` a PIN field is an error: no PIN crosses in the clear.
 */
export function toWire(value: unknown, seal?: (secret: Buffer) => SealedSecret): unknown {
  if (Buffer.isBuffer(value)) return { $b64: value.toString('base64') } satisfies WireBytes;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => toWire(v, seal));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (Buffer.isBuffer(v) && SECRET_FIELDS.has(k)) {
      if (!seal) throw new Error(`${k}: a PIN crosses the card host's IPC only sealed`);
      out[k] = seal(v);
      v.fill(0);
    } else out[k] = toWire(v, seal);
  }
  return out;
}

/** The inverse: { $b64 } → Buffer, a sealed PIN → `unseal(it)` (a sealed PIN without `unseal` is an error). */
export function fromWire(value: unknown, unseal?: (sealed: SealedSecret) => Buffer): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => fromWire(v, unseal));
  if (isSealed(value)) {
    if (!unseal) throw new Error('a sealed PIN where none is expected');
    return unseal(value);
  }
  const b64 = (value as Partial<WireBytes>).$b64;
  if (typeof b64 === 'string' && Object.keys(value).length === 1) return Buffer.from(b64, 'base64');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v, unseal)]));
}
