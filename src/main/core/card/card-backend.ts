// The CardService itself: reader monitor (PC/SC) + token access (PKCS#11) + UZI parser, one card
// operation at a time per reader. Runs inside the card host (host/card-host-entry.ts) and, for unit
// tests, in-process.
import type { CardEvent, CardFamily, CardReading, ReaderState, UziHolder } from '../../../shared/domain';
import { AppError, serializeError, type SerializedError } from '../../../shared/errors';
import type { SignRequest } from './card-port';
import { certificateFacts, pickAuthenticationCertificate } from './certificate-usage';
import type { ReaderMonitor } from './pcsc-adapter';
import type { SmartcardTokenAccess } from './smartcard-token';
import { SMARTCARD_OPS, zeroSecrets, type SmartcardService } from './smartcard-port';
import { createWarmReadings, validityIn, type ValidityWindow, type WarmReading } from './warm-readings';
import type { TokenAccess, TokenSlot } from './token-access';

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

/**
 * The reader a token sits in: the one its slot description names (SafeSign, OpenSC), else the one its
 * label names — a module without readers bound to one (the card lab's SoftHSM-backed ZORG-ID
 * Smartcard: a virtual card in a vpcd reader, its token the SoftHSM token labelled with that reader).
 */
export function readerOfToken(slot: Pick<TokenSlot, 'description' | 'tokenLabel'>, readers: readonly string[]): string | undefined {
  return readers.find((r) => r === slot.description) ?? readers.find((r) => slot.description.includes(r)) ?? readers.find((r) => r === slot.tokenLabel);
}

/**
 * card-lab.md "How the app finds the token for a reader": for a card PC/SC knows as a ZORG-ID
 * Smartcard, the token labelled with the reader's name (a readerless module bound to that reader — the
 * lab's SoftHSM-backed Smartcard, whose empty PIV applet OpenSC lists under the reader's name as well);
 * else the slot whose description names the reader (SafeSign, OpenSC); else the only token not named
 * after another reader; else the person chooses.
 */
export function matchSlot(reader: string, slots: readonly TokenSlot[], knownReaders: readonly string[], family?: CardFamily | null): TokenSlot {
  if (family === 'zorgid-smartcard') {
    const labelled = slots.filter((s) => s.tokenLabel === reader);
    if (labelled.length === 1) return labelled[0]!;
  }
  const exact = slots.filter((s) => s.description === reader);
  if (exact.length === 1) return exact[0]!;
  const named = slots.filter((s) => s.description.includes(reader));
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new AppError('ERR_CARD_TOKEN_AMBIGUOUS', { reader, tokens: named.map((s) => s.tokenLabel) });
  const others = knownReaders.filter((r) => r !== reader && !reader.includes(r));
  const unclaimed = slots.filter((s) => !others.some((r) => s.description.includes(r)) && !knownReaders.includes(s.tokenLabel));
  if (unclaimed.length === 1) return unclaimed[0]!;
  if (unclaimed.length > 1) throw new AppError('ERR_CARD_TOKEN_AMBIGUOUS', { reader, tokens: unclaimed.map((s) => s.tokenLabel) });
  throw new AppError('ERR_CARD_TOKEN_NOT_FOUND', { reader });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface CardBackend extends SmartcardService {
  /** Readers whose card's reading is held warm (tests, diagnostics): empty once every card is out. */
  warmReaders(): string[];
}

export function createCardBackend(deps: CardBackendDeps): CardBackend {
  const { monitor, clock } = deps;
  const tokenWaitMs = deps.tokenWaitMs ?? 3000;
  const removalSettleMs = deps.removalSettleMs ?? 700;
  const listeners = new Set<(event: CardEvent) => void>();
  const queues = new Map<string, Promise<unknown>>();
  let tokens: TokenAccess | undefined;
  const tokenAccess = () => (tokens ??= deps.tokens());
  // Smartcard operations name a slot, not a reader: the reader the slot's token sits in (last
  // enumeration) puts them in that reader's queue, and PC/SC tells whether that card is still there.
  const readerOfSlot = new Map<string, string>();
  const enumerate = async () => {
    const slots = await tokenAccess().listTokens();
    const names = pcscView('').names;
    for (const s of slots) readerOfSlot.set(s.slotId, readerOfToken(s, names) ?? `slot ${s.slotId}`);
    return slots;
  };

  if (deps.warmUp) {
    void Promise.resolve()
      .then(() => tokenAccess().listTokens())
      .catch(() => undefined);
  }

  // One card operation at a time per reader: a second read during a signature waits its turn.
  const serialised = <T>(reader: string, op: () => Promise<T>): Promise<T> => {
    const prev = queues.get(reader) ?? Promise.resolve();
    const next = prev.then(op, op);
    const tail = next.catch(() => undefined);
    queues.set(reader, tail);
    void tail.then(() => {
      if (queues.get(reader) === tail) queues.delete(reader);
    });
    return next;
  };

  const pcscView = (reader: string): { known: boolean; state: ReaderState | undefined; names: string[] } => {
    if (!monitor || monitor.serviceError()) return { known: false, state: undefined, names: [] };
    const all = monitor.readers();
    const state = all.find((r) => r.name === reader);
    return { known: state !== undefined, state, names: all.map((r) => r.name) };
  };

  const findSlot = async (reader: string): Promise<TokenSlot> => {
    if (monitor) await monitor.ready();
    const started = Date.now();
    for (;;) {
      const view = pcscView(reader);
      if (view.state && !view.state.present) throw new AppError('ERR_CARD_NOT_PRESENT', { reader });
      const slots = await enumerate();
      try {
        return matchSlot(reader, slots, view.names, view.state?.family);
      } catch (e) {
        const waitable = e instanceof AppError && e.code === 'ERR_CARD_TOKEN_NOT_FOUND';
        // A card PC/SC sees may still be in OpenSC's detection; a reader PC/SC never heard of won't be.
        if (!waitable || !view.state?.present || Date.now() - started > tokenWaitMs) {
          if (waitable && !view.known && monitor && !monitor.serviceError()) throw new AppError('ERR_CARD_READER_NOT_FOUND', { reader });
          throw e;
        }
        await sleep(250);
      }
    }
  };

  const readCard = async (reader: string): Promise<WarmReading> => {
    const slot = await findSlot(reader);
    const certificates = await tokenAccess()
      .readCertificates(slot.slotId)
      .catch(async (e: unknown) => {
        throw await explainFailure(reader, e);
      });
    const auth = pickAuthenticationCertificate(certificates);
    let holder: UziHolder | null = null;
    let holderError: SerializedError | null = null;
    let validity: CardReading['validity'] = null;
    let window: ValidityWindow | null = null;
    if (!auth) {
      holderError = new AppError('ERR_CARD_NO_AUTH_CERTIFICATE', { reader }).toJSON();
    } else {
      const der = Buffer.from(auth.der, 'base64');
      const facts = certificateFacts(der);
      window = { notBefore: facts.notBefore.getTime(), notAfter: facts.notAfter.getTime() };
      validity = validityIn(window, clock());
      if (deps.parseHolder) {
        try {
          holder = deps.parseHolder(der);
        } catch (e) {
          holderError = serializeError(e);
        }
      }
    }
    const reading: CardReading = {
      reader,
      slotId: slot.slotId,
      tokenLabel: slot.tokenLabel,
      tokenSerial: slot.tokenSerial,
      pin: slot.pin,
      certificates,
      authCertificateId: auth?.id ?? null,
      holder,
      holderError,
      validity,
    };
    return { reading, window };
  };

  const stillIn = (reader: string) => pcscView(reader).state?.present === true;
  const warm = createWarmReadings({
    enabled: monitor !== null && deps.warmUp === true,
    stillIn,
    read: (reader) => serialised(reader, () => readCard(reader)),
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

  // What the middleware says when a card is pulled mid-call varies (CKR_DEVICE_ERROR, _FUNCTION_FAILED,
  // …). When PC/SC sees the reader empty, "the card was removed" is the truth the person can act on.
  const CLEAR_ANSWERS = new Set<string>([
    'ERR_PIN_INCORRECT', 'ERR_PIN_LOCKED', 'ERR_PIN_FORMAT', 'ERR_PIN_CANCELLED', 'ERR_CARD_REMOVED',
    'ERR_CARD_NOT_PRESENT', 'ERR_CARD_READER_NOT_FOUND', 'ERR_CARD_TOKEN_AMBIGUOUS', 'ERR_CERT_KEY_USAGE',
    'ERR_CARD_MIDDLEWARE_MISSING',
  ]);
  // Likewise when pcscd itself went away under the call (OpenSC: CKR_GENERAL_ERROR at C_Login): the
  // service is what the person or their IT department can restart.
  const explainFailure = async (reader: string, err: unknown): Promise<unknown> => {
    if (!(err instanceof AppError) || CLEAR_ANSWERS.has(err.code) || !monitor) return err;
    if (!pcscView(reader).known && !monitor.serviceError()) return err;
    const because = (code: 'ERR_CARD_REMOVED' | 'ERR_CARD_PCSC_UNAVAILABLE') => new AppError(code, { reader, middleware: err.code, ...err.detail }, { cause: err });
    // pcscd notices a pull ~0.3–0.5 s later (build-notes.md); the monitor a dead pcscd about as fast.
    for (let waited = 0; waited <= removalSettleMs; waited += 100) {
      if (monitor.serviceError()) return because('ERR_CARD_PCSC_UNAVAILABLE');
      if (!pcscView(reader).state?.present) return because('ERR_CARD_REMOVED');
      await sleep(100);
    }
    return err;
  };

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

    read(reader) {
      return serialised(reader, async (): Promise<CardReading> => {
        if (!stillIn(reader)) warm.forget(reader);
        const entry = warm.current(reader);
        let found = entry ? await entry.reading.catch(() => undefined) : undefined;
        if (found && !entry!.pinFresh) {
          // The certificates stay; the PIN counter is the token's to tell.
          const slot = await findSlot(reader);
          found = slot.slotId === found.reading.slotId && slot.tokenSerial === found.reading.tokenSerial ? { ...found, reading: { ...found.reading, pin: slot.pin } } : undefined;
        }
        if (!found || warm.current(reader) !== entry) found = await readCard(reader);
        warm.keep(reader, found);
        return { ...found.reading, validity: found.window ? validityIn(found.window, clock()) : null };
      });
    },

    sign(request: SignRequest) {
      return serialised(request.reader, async () => {
        try {
          const reader = request.reader;
          const fresh = await warm.slot(reader);
          // The slot the last signature used, while nothing said its card went: no enumeration, and
          // the adapter asks the token for the PIN status itself.
          const again = !fresh && (!monitor || stillIn(reader)) ? warm.lastSlot.get(reader) : undefined;
          const slot = fresh ?? (again === undefined ? await findSlot(reader) : undefined);
          const slotId = slot?.slotId ?? again!;
          const sig = await tokenAccess().sign({
            slotId,
            certificateId: request.certificateId,
            mechanism: request.mechanism,
            data: request.data,
            pin: request.pin,
            pinStatus: slot?.pin,
          });
          warm.lastSlot.set(reader, slotId);
          return sig;
        } catch (e) {
          const err = await explainFailure(request.reader, e);
          if (!(err instanceof AppError) || !err.code.startsWith('ERR_PIN')) warm.forget(request.reader);
          throw err;
        } finally {
          request.pin.fill(0);
          warm.signed(request.reader);
        }
      });
    },

    smartcardTokens() {
      const forward = (op: (typeof SMARTCARD_OPS)[number]) => async (request: unknown) => {
        if (op === 'listTokens') return enumerate();
        const slotId = typeof request === 'string' ? request : (request as { slotId: string }).slotId;
        const queue = readerOfSlot.get(slotId) ?? `slot ${slotId}`;
        return serialised(queue, async () => {
          // A token that outlives its card in the module (SoftHSM behind a lab card; a middleware
          // that caches) must not be written to once PC/SC saw the card go.
          const view = pcscView(queue);
          if (view.state && !view.state.present) {
            zeroSecrets(request);
            throw new AppError('ERR_CARD_REMOVED', { reader: queue });
          }
          const access = tokenAccess() as Partial<SmartcardTokenAccess>;
          const fn = access[op] as ((r: unknown) => Promise<unknown>) | undefined;
          if (typeof fn !== 'function') {
            zeroSecrets(request);
            throw new AppError('ERR_INTERNAL', { reason: 'token access cannot create Smartcards', op });
          }
          try {
            return await fn.call(access, request);
          } catch (e) {
            throw await explainFailure(queue, e);
          }
        });
      };
      const ops = Object.fromEntries(SMARTCARD_OPS.map((op) => [op, forward(op)])) as unknown as Omit<SmartcardTokenAccess, 'close'>;
      return { ...ops, close: async () => undefined };
    },

    async close() {
      unwatch?.();
      warm.forget();
      listeners.clear();
      await monitor?.close();
      await tokens?.close();
    },
  };
}
