// The parent side of the card host: CardService by forwarding every call to the child, each with a
// deadline. Middleware hangs for real (OpenSC 0.23 deadlocks when a card is pulled mid-call,
// build-notes.md), so a missed deadline, a card pulled under a pending call, or a crash all end the
// same way: SIGKILL, answer what was pending, start a new host, and let it report the readers afresh.
import type { HostDiagnosis } from '../diagnostics/host-diagnosis';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CardEvent, CardReading, ReaderState } from '../../../shared/domain';
import { AppError, deserializeError } from '../../../shared/errors';
import type { SignRequest } from '../card/card-port';
import { readerOfToken } from '../card/card-backend';
import { SMARTCARD_OPS, type SmartcardOp, type SmartcardService } from '../card/smartcard-port';
import type { TokenSlot } from '../card/token-access';
import type { SmartcardTokenAccess } from '../card/smartcard-token';
import { certificateFacts } from '../card/certificate-usage';
import { fromWire, toWire, type CallMethod, type FromHost, type HostSettings, type HostTransport, type ToHost } from './host-protocol';

function validityAt(reading: CardReading, now: number): CardReading['validity'] {
  const auth = reading.certificates.find((c) => c.id === reading.authCertificateId);
  if (!auth) return null;
  try {
    const { notBefore, notAfter } = certificateFacts(Buffer.from(auth.der, 'base64'));
    return now < notBefore.getTime() ? 'not-yet-valid' : now > notAfter.getTime() ? 'expired' : 'valid';
  } catch {
    return null;
  }
}

export interface LaunchedHost {
  transport: HostTransport;
  pid: number | undefined;
  kill(): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** Starts one card host process. The Electron composition root passes a utilityProcess launcher. */
export type HostLauncher = (entry: string, env: Record<string, string>) => LaunchedHost;

export const forkLauncher: HostLauncher = (entry, env) => {
  const child = fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, ...env },
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('error', () => undefined);
  return {
    pid: child.pid,
    transport: {
      postMessage: (m) => {
        if (child.connected) child.send(m as object, undefined, undefined, () => undefined);
      },
      onMessage: (l) => child.on('message', l),
    },
    kill: () => {
      child.kill('SIGKILL');
    },
    onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
  };
};

export interface Deadlines {
  /** Host start until it has reported its readers. */
  start: number;
  readers: number;
  read: number;
  /** Long enough for a person typing on a pinpad reader (also used while the reader's kind is unknown). */
  sign: number;
  /** A signature on a token that last read as having no pinpad: login + sign take seconds at most. */
  signWithoutPinpad: number;
  /** A Smartcard token operation (PIN set, certificate write, test signature, …). */
  smartcard: number;
  /** On-card RSA-2048 key generation: tens of seconds on a real card. */
  generateKey: number;
  /** The diagnostics report's card part: C_GetInfo, slots, tokens and certificates of every module. */
  diagnose: number;
}

export const DEFAULT_DEADLINES: Deadlines = { start: 15_000, readers: 5_000, read: 15_000, sign: 90_000, signWithoutPinpad: 20_000, smartcard: 30_000, generateKey: 120_000, diagnose: 30_000 };

export interface CardHostOptions {
  /** The host's entry file; defaults to card-host-entry.ts next to this file (run through tsx). */
  entry?: string;
  modulePath: string | null;
  moduleCandidates?: string[];
  /** HostSettings.smartcardModulePath: a second module for the ZORG-ID Smartcard. */
  smartcardModulePath?: string | null;
  /** Watch PC/SC readers (default true). */
  pcsc?: boolean;
  /** HostSettings.warmUp: read an inserted card before anyone asks (default true). */
  warmUp?: boolean;
  tokenWorkerFile?: string;
  /** Environment of the host on top of ours (e.g. SOFTHSM2_CONF). */
  env?: Record<string, string>;
  deadlines?: Partial<Deadlines>;
  /**
   * How long a call may still run after its card was pulled (or PC/SC went away) before the host is
   * taken to be stuck in the middleware. OpenSC answers CKR_DEVICE_REMOVED well within this when it
   * does not deadlock.
   */
  removalGraceMs?: number;
  /** Restarts allowed within `windowMs` before the host is given up (ERR_CARD_HOST_UNAVAILABLE). */
  restart?: { max: number; windowMs: number; backoffMs: number; maxBackoffMs: number };
  clock?: () => number;
  launch?: HostLauncher;
  /** The host's log events (core/diagnostics/log-event.ts), unchecked: the app log sanitises them. */
  onLog?: (event: unknown) => void;
}

export interface CardHost extends SmartcardService {
  /** Process id of the current host (diagnostics and tests). */
  hostPid(): number | undefined;
  /** Resolves when the current host has started and reported its readers. */
  whenReady(): Promise<void>;
  /** The card host's part of the diagnostics report (host-diagnose.ts). */
  diagnose(): Promise<HostDiagnosis>;
}

interface Pending {
  method: CallMethod;
  reader: string | undefined;
  resolve: (value: unknown) => void;
  reject: (err: AppError) => void;
  deadline: NodeJS.Timeout;
  removal?: NodeJS.Timeout;
}

interface Running {
  launched: LaunchedHost;
  ready: Promise<void>;
  markReady: () => void;
  startTimer: NodeJS.Timeout;
}

export function createCardHost(options: CardHostOptions): CardHost {
  const entry = options.entry ?? fileURLToPath(new URL('./card-host-entry.ts', import.meta.url));
  const deadlines: Deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const removalGraceMs = options.removalGraceMs ?? 1500;
  const restartPolicy = options.restart ?? { max: 5, windowMs: 60_000, backoffMs: 200, maxBackoffMs: 3_000 };
  const clock = options.clock ?? Date.now;
  const launch = options.launch ?? forkLauncher;
  const settings: HostSettings = {
    modulePath: options.modulePath,
    moduleCandidates: options.moduleCandidates,
    pcsc: options.pcsc ?? true,
    tokenWorkerFile: options.tokenWorkerFile,
    smartcardModulePath: options.smartcardModulePath ?? null,
    warmUp: options.warmUp ?? true,
  };

  const listeners = new Set<(event: CardEvent) => void>();
  const pending = new Map<number, Pending>();
  let lastReaders: ReaderState[] = [];
  let lastService: CardEvent | undefined;
  // From the last read of each reader: whether its token has a pinpad (decides the sign deadline).
  const pinpadOf = new Map<string, boolean>();
  let nextId = 1;
  let running: Running | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let waitingForStart: Array<() => void> = [];
  const restarts: number[] = [];
  let gaveUp: AppError | undefined;
  let closed = false;

  const emit = (event: CardEvent) => {
    if (event.type === 'readers') lastReaders = event.readers;
    if (event.type === 'service') lastService = event;
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        /* a subscriber's bug must not break the card host */
      }
    }
  };

  const settle = (id: number, outcome: { value: unknown } | { error: AppError }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.deadline);
    clearTimeout(p.removal);
    if ('error' in outcome) p.reject(outcome.error);
    else p.resolve(outcome.value);
  };

  const onMessage = (host: Running, raw: unknown) => {
    if (running !== host) return;
    const msg = raw as FromHost;
    if (msg.t === 'ready') {
      clearTimeout(host.startTimer);
      host.markReady();
    } else if (msg.t === 'result') {
      settle(msg.id, msg.ok ? { value: msg.value } : { error: deserializeError(msg.error) });
    } else if (msg.t === 'log') {
      options.onLog?.(msg.event);
    } else if (msg.t === 'event') {
      const event = msg.event;
      if (event.type === 'removed') pinpadOf.delete(event.reader);
      if (event.type === 'removed' || (event.type === 'service' && event.status === 'down')) {
        const reader = event.type === 'removed' ? event.reader : undefined;
        for (const [id, p] of pending) {
          if (p.removal || p.method === 'readers' || (reader !== undefined && p.reader !== reader)) continue;
          p.removal = setTimeout(() => {
            restart('card removed during a card operation', new Map([[id, new AppError('ERR_CARD_REMOVED', { reader: p.reader, via: 'supervisor' })]]));
          }, removalGraceMs);
        }
      }
      emit(event);
    }
  };

  const start = () => {
    if (closed || gaveUp) return;
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));
    const launched = launch(entry, options.env ?? {});
    const host: Running = {
      launched,
      ready,
      markReady,
      startTimer: setTimeout(() => restart(`host did not start within ${deadlines.start} ms`), deadlines.start),
    };
    running = host;
    launched.transport.onMessage((m) => onMessage(host, m));
    launched.onExit((code, signal) => {
      if (running === host && !closed) restart(`host exited (code ${code}, signal ${signal})`);
    });
    launched.transport.postMessage({ t: 'init', settings } satisfies ToHost);
    const waiters = waitingForStart;
    waitingForStart = [];
    for (const w of waiters) w();
  };

  const failAll = (error: (id: number) => AppError) => {
    for (const id of [...pending.keys()]) settle(id, { error: error(id) });
  };

  function restart(reason: string, special: Map<number, AppError> = new Map()): void {
    const host = running;
    running = undefined;
    if (host) {
      clearTimeout(host.startTimer);
      host.launched.kill();
    }
    failAll((id) => special.get(id) ?? new AppError('ERR_CARD_HOST_RESTARTED', { reason }));
    if (closed) return;
    emit({ type: 'host', status: 'restarted', reason });
    const now = clock();
    while (restarts.length && now - restarts[0]! > restartPolicy.windowMs) restarts.shift();
    restarts.push(now);
    if (restarts.length > restartPolicy.max) {
      gaveUp = new AppError('ERR_CARD_HOST_UNAVAILABLE', { reason, restarts: restarts.length });
      const waiters = waitingForStart;
      waitingForStart = [];
      for (const w of waiters) w();
      return;
    }
    const delay = Math.min(restartPolicy.backoffMs * 2 ** (restarts.length - 1), restartPolicy.maxBackoffMs);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      start();
    }, delay);
  }

  const deadlineOf = (method: CallMethod, reader: string | undefined): number =>
    method === 'sign' && reader !== undefined && pinpadOf.get(reader) === false ? deadlines.signWithoutPinpad : deadlines[method];

  const call = <T>(method: CallMethod, message: (id: number) => ToHost, reader?: string, deadlineMs = deadlineOf(method, reader)): Promise<T> => {
    if (closed) return Promise.reject(new AppError('ERR_CARD_HOST_UNAVAILABLE', { reason: 'closed' }));
    if (gaveUp) return Promise.reject(gaveUp);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, {
        method,
        reader,
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline: setTimeout(() => {
          restart(`${method} missed its ${deadlineMs} ms deadline`, new Map([[id, new AppError('ERR_CARD_HOST_TIMEOUT', { method, deadlineMs })]]));
        }, deadlineMs),
      });
      // Sent once the host is up: a host still starting would not know the call yet.
      const send = async () => {
        while (!running) {
          if (gaveUp || closed) return settle(id, { error: gaveUp ?? new AppError('ERR_CARD_HOST_UNAVAILABLE') });
          await new Promise<void>((r) => waitingForStart.push(r));
        }
        const host = running;
        await host.ready;
        if (running !== host || !pending.has(id)) return;
        host.launched.transport.postMessage(message(id));
      };
      void send();
    });
  };

  // Smartcard operations name a slot. The reader its token sits in (last listTokens) lets a pull of
  // that card end a call stuck in the middleware after the removal grace, as for read and sign; a slot
  // in no reader (plain SoftHSM) has only the deadline.
  const slotTokens = new Map<string, Pick<TokenSlot, 'description' | 'tokenLabel'>>();
  const readerOfSlot = (slotId: string): string | undefined => {
    const slot = slotTokens.get(slotId);
    return slot ? readerOfToken(slot, lastReaders.map((r) => r.name)) : undefined;
  };
  const smartcardOp = (op: SmartcardOp) => async (request: unknown) => {
    const slotId = typeof request === 'string' ? request : (request as { slotId?: unknown } | null)?.slotId;
    const reader = typeof slotId === 'string' ? readerOfSlot(slotId) : undefined;
    const wire = toWire(request, true);
    const deadlineMs = op === 'generateKeyPair' ? deadlines.generateKey : deadlines.smartcard;
    const value = fromWire(await call<unknown>('smartcard', (id) => ({ t: 'call', id, method: 'smartcard', op, request: wire }), reader, deadlineMs));
    if (op === 'listTokens') for (const slot of value as TokenSlot[]) slotTokens.set(slot.slotId, slot);
    return value;
  };
  const smartcardTokens: SmartcardTokenAccess = {
    ...(Object.fromEntries(SMARTCARD_OPS.map((op) => [op, smartcardOp(op)])) as unknown as Omit<SmartcardTokenAccess, 'close'>),
    // The host's middleware outlives one creation.
    close: async () => undefined,
  };

  start();

  return {
    smartcardTokens: () => smartcardTokens,
    subscribe(listener) {
      listeners.add(listener);
      if (lastService?.type === 'service' && lastService.status === 'down') listener(lastService);
      listener({ type: 'readers', readers: lastReaders });
      return () => listeners.delete(listener);
    },
    readers: () => call<ReaderState[]>('readers', (id) => ({ t: 'call', id, method: 'readers' })),
    async read(reader) {
      const reading = await call<CardReading>('read', (id) => ({ t: 'call', id, method: 'read', reader }), reader);
      pinpadOf.set(reader, reading.pin.pinpad);
      // Validity is judged by our clock, not the host's (time is a parameter; the host cannot share it).
      return { ...reading, validity: validityAt(reading, clock()) };
    },
    async sign(request: SignRequest) {
      // JSON IPC needs text; the base64 copy is the only one left once ours is zeroed.
      const wire = {
        reader: request.reader,
        certificateId: request.certificateId,
        mechanism: request.mechanism,
        data: request.data.toString('base64'),
        pin: request.pin.toString('base64'),
      };
      request.pin.fill(0);
      const sig = await call<string>('sign', (id) => ({ t: 'call', id, method: 'sign', request: wire }), request.reader);
      return Buffer.from(sig, 'base64');
    },
    async close() {
      closed = true;
      clearTimeout(restartTimer);
      const host = running;
      running = undefined;
      failAll(() => new AppError('ERR_CARD_HOST_UNAVAILABLE', { reason: 'closed' }));
      for (const w of waitingForStart) w();
      waitingForStart = [];
      listeners.clear();
      if (host) {
        clearTimeout(host.startTimer);
        const exited = new Promise<void>((r) => host.launched.onExit(() => r()));
        host.launched.kill();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      }
    },
    hostPid: () => running?.launched.pid,
    diagnose: () => call<HostDiagnosis>('diagnose', (id) => ({ t: 'call', id, method: 'diagnose' })),
    async whenReady() {
      while (!running) {
        if (gaveUp || closed) throw gaveUp ?? new AppError('ERR_CARD_HOST_UNAVAILABLE');
        await new Promise<void>((r) => waitingForStart.push(r));
      }
      await running.ready;
    },
  };
}

