// The CardService itself: reader monitor (PC/SC) + token access (PKCS#11) + UZI parser, one card
// operation at a time per reader. Runs inside the card host (host/card-host-entry.ts) and, for unit
// tests, in-process. Its parts: card-context.ts (queues, PC/SC view), slot-lookup.ts, card-read.ts,
// card-sign.ts, smartcard-forward.ts, card-failure.ts and warm-readings.ts.
import type { CardEvent, UziHolder } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { createReaderQueues, stillIn, type CardContext } from './card-context';
import { readCard, readWarmOrFresh } from './card-read';
import { signOnCard } from './card-sign';
import type { ReaderMonitor } from './pcsc-adapter';
import { forwardSmartcardOps } from './smartcard-forward';
import type { SmartcardTokenAccess } from './smartcard-token';
import type { SmartcardService } from './smartcard-port';
import { createWarmReadings } from './warm-readings';
import type { TokenAccess } from './token-access';

export { matchSlot, readerOfToken } from './slot-lookup';

export interface CardBackendDeps {
  /** null: no PC/SC at all (SoftHSM-only setups); readers then come from PKCS#11 alone. */
  monitor: ReaderMonitor | null;
  /**
   * Opened on first use, so a missing middleware shows on read/sign, not at start. Smartcard creation
   * (smartcardTokens) needs a SmartcardTokenAccess; a plain TokenAccess refuses it per call.
   */
  tokens: () => TokenAccess | SmartcardTokenAccess;
  parseHolder?: (der: Buffer) => UziHolder;
  clock: () => number;
  /**
   * Open the middleware now rather than on the first call: loading it, C_Initialize and OpenSC's first
   * card detection take seconds, which would otherwise land on the person's first read.
   */
  warmUp?: boolean;
  /**
   * A warm read still running this long after its card was pulled is stuck in the middleware (OpenSC
   * 0.23 deadlocks when a card goes mid-call, build-notes.md): no caller's deadline covers it, so the
   * card host ends itself (`onWarmStuck`) and the supervisor starts a fresh one.
   */
  onWarmStuck?: (reader: string) => void;
  warmStuckMs?: number;
  /** After an insert OpenSC needs ~1.5 s before the token shows (build-notes.md); wait that long for it. */
  tokenWaitMs?: number;
  /** How long a failed call waits for PC/SC to report a pull before the middleware's error stands. */
  removalSettleMs?: number;
}

export interface CardBackend extends SmartcardService {
  /** Readers whose card's reading is held warm (tests, diagnostics): empty once every card is out. */
  warmReaders(): string[];
}

export function createCardBackend(deps: CardBackendDeps): CardBackend {
  const { monitor } = deps;
  const listeners = new Set<(event: CardEvent) => void>();
  let tokens: TokenAccess | undefined;
  const ctx: CardContext = {
    monitor,
    clock: deps.clock,
    parseHolder: deps.parseHolder,
    tokenWaitMs: deps.tokenWaitMs ?? 3000,
    removalSettleMs: deps.removalSettleMs ?? 700,
    tokenAccess: () => (tokens ??= deps.tokens()),
    serialised: createReaderQueues(),
    readerOfSlot: new Map<string, string>(),
  };

  if (deps.warmUp) {
    void Promise.resolve()
      .then(() => ctx.tokenAccess().listTokens())
      .catch(() => undefined);
  }

  const warm = createWarmReadings({
    enabled: monitor !== null && deps.warmUp === true,
    stillIn: (reader) => stillIn(ctx, reader),
    read: (reader) => ctx.serialised(reader, () => readCard(ctx, reader)),
    onStuck: deps.onWarmStuck,
    stuckMs: deps.warmStuckMs,
  });
  if (monitor && deps.warmUp) {
    // A card already in at start is warmed as if just inserted.
    void monitor.ready().then(() => {
      for (const r of monitor.readers()) if (r.present) warm.warmUp(r.name);
    });
  }

  const unwatch = monitor?.subscribe((event) => {
    if (event.type === 'removed') warm.forget(event.reader);
    if (event.type === 'service' && event.status === 'down') warm.forget();
    if (event.type === 'inserted') warm.warmUp(event.reader);
    for (const l of [...listeners]) l(event);
  });

  return {
    warmReaders: () => warm.readers(),
    subscribe(listener) {
      listeners.add(listener);
      const down = monitor?.serviceError();
      if (down) listener({ type: 'service', status: 'down', error: down });
      listener({ type: 'readers', readers: monitor?.readers() ?? [] });
      return () => listeners.delete(listener);
    },

    async readers() {
      if (!monitor) return [];
      await monitor.ready();
      const down = monitor.serviceError();
      if (down) throw new AppError(down.code, down.detail);
      return monitor.readers();
    },

    read: (reader) => readWarmOrFresh(ctx, warm, reader),
    sign: (request) => signOnCard(ctx, warm, request),
    smartcardTokens: () => forwardSmartcardOps(ctx, (reader) => warm.forget(reader)),

    async close() {
      unwatch?.();
      warm.forget();
      listeners.clear();
      await monitor?.close();
      await tokens?.close();
    },
  };
}
