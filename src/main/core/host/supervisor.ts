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
import type { SmartcardService } from '../card/smartcard-port';
import { certificateFacts } from '../card/certificate-usage';
import type { CallMethod, FromHost, HostSettings, HostTransport, ToHost } from './host-protocol';
import { armRemovalGrace, failAll, settle, type PendingCalls } from './host-pending-calls';
import { DEFAULT_RESTART_POLICY, recordRestart, type RestartPolicy } from './host-restart-policy';
import { createSmartcardTokens } from './host-smartcard-ops';
import { newSealKey, seal, type Rng, type SealedSecret } from './secret-seal';

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
  restart?: RestartPolicy;
  clock?: () => number;
  /** Randomness for the key and nonces that seal PINs on the IPC (secret-seal.ts); crypto's by default. */
  rng?: Rng;
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

interface Running {
  launched: LaunchedHost;
  ready: Promise<void>;
  markReady: () => void;
  startTimer: NodeJS.Timeout;
}

/** Everything one supervisor knows and keeps: its settings and the state of the current host. */
interface Supervisor {
  options: CardHostOptions;
  entry: string;
  deadlines: Deadlines;
  removalGraceMs: number;
  restartPolicy: RestartPolicy;
  clock: () => number;
  launch: HostLauncher;
  settings: HostSettings;
  listeners: Set<(event: CardEvent) => void>;
  pending: PendingCalls;
  lastReaders: ReaderState[];
  lastService: CardEvent | undefined;
  // From the last read of each reader: whether its token has a pinpad (decides the sign deadline).
  pinpadOf: Map<string, boolean>;
  nextId: number;
  running: Running | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  waitingForStart: Array<() => void>;
  restarts: number[];
  gaveUp: AppError | undefined;
  closed: boolean;
  /** Seals a PIN for the host with this supervisor's key (sent to each host in its init message). */
  seal: (secret: Buffer) => SealedSecret;
  sealKey: string;
}

function createSupervisor(options: CardHostOptions): Supervisor {
  const key = newSealKey(options.rng);
  return {
    seal: (secret) => seal(key, secret, options.rng),
    sealKey: key.toString('base64'),
    options,
    entry: options.entry ?? fileURLToPath(new URL('./card-host-entry.ts', import.meta.url)),
    deadlines: { ...DEFAULT_DEADLINES, ...options.deadlines },
    removalGraceMs: options.removalGraceMs ?? 1500,
    restartPolicy: options.restart ?? DEFAULT_RESTART_POLICY,
    clock: options.clock ?? Date.now,
    launch: options.launch ?? forkLauncher,
    settings: {
      modulePath: options.modulePath,
      moduleCandidates: options.moduleCandidates,
      pcsc: options.pcsc ?? true,
      tokenWorkerFile: options.tokenWorkerFile,
      smartcardModulePath: options.smartcardModulePath ?? null,
      warmUp: options.warmUp ?? true,
    },
    listeners: new Set(),
    pending: new Map(),
    lastReaders: [],
    lastService: undefined,
    pinpadOf: new Map(),
    nextId: 1,
    running: undefined,
    restartTimer: undefined,
    waitingForStart: [],
    restarts: [],
    gaveUp: undefined,
    closed: false,
  };
}

function emit(s: Supervisor, event: CardEvent): void {
  if (event.type === 'readers') s.lastReaders = event.readers;
  if (event.type === 'service') s.lastService = event;
  for (const l of [...s.listeners]) {
    try {
      l(event);
    } catch {
      /* a subscriber's bug must not break the card host */
    }
  }
}

function wakeWaiters(s: Supervisor): void {
  const waiters = s.waitingForStart;
  s.waitingForStart = [];
  for (const w of waiters) w();
}

function onHostMessage(s: Supervisor, host: Running, raw: unknown): void {
  if (s.running !== host) return;
  const msg = raw as FromHost;
  if (msg.t === 'ready') {
    clearTimeout(host.startTimer);
    host.markReady();
  } else if (msg.t === 'result') {
    settle(s.pending, msg.id, msg.ok ? { value: msg.value } : { error: deserializeError(msg.error) });
  } else if (msg.t === 'log') {
    s.options.onLog?.(msg.event);
  } else if (msg.t === 'event') {
    const event = msg.event;
    if (event.type === 'removed') s.pinpadOf.delete(event.reader);
    armRemovalGrace(s.pending, event, s.removalGraceMs, (id, p) => {
      restartHost(s, 'card removed during a card operation', new Map([[id, new AppError('ERR_CARD_REMOVED', { reader: p.reader, via: 'supervisor' })]]));
    });
    emit(s, event);
  }
}

function startHost(s: Supervisor): void {
  if (s.closed || s.gaveUp) return;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const launched = s.launch(s.entry, s.options.env ?? {});
  const host: Running = {
    launched,
    ready,
    markReady,
    startTimer: setTimeout(() => restartHost(s, `host did not start within ${s.deadlines.start} ms`), s.deadlines.start),
  };
  s.running = host;
  launched.transport.onMessage((m) => onHostMessage(s, host, m));
  launched.onExit((code, signal) => {
    if (s.running === host && !s.closed) restartHost(s, `host exited (code ${code}, signal ${signal})`);
  });
  launched.transport.postMessage({ t: 'init', settings: s.settings, sealKey: s.sealKey } satisfies ToHost);
  wakeWaiters(s);
}

function restartHost(s: Supervisor, reason: string, special: Map<number, AppError> = new Map()): void {
  const host = s.running;
  s.running = undefined;
  if (host) {
    clearTimeout(host.startTimer);
    host.launched.kill();
  }
  failAll(s.pending, (id) => special.get(id) ?? new AppError('ERR_CARD_HOST_RESTARTED', { reason }));
  if (s.closed) return;
  emit(s, { type: 'host', status: 'restarted', reason });
  const delay = recordRestart(s.restarts, s.restartPolicy, s.clock());
  if (delay === undefined) {
    s.gaveUp = new AppError('ERR_CARD_HOST_UNAVAILABLE', { reason, restarts: s.restarts.length });
    wakeWaiters(s);
    return;
  }
  s.restartTimer = setTimeout(() => {
    s.restartTimer = undefined;
    startHost(s);
  }, delay);
}

function deadlineOf(s: Supervisor, method: CallMethod, reader: string | undefined): number {
  return method === 'sign' && reader !== undefined && s.pinpadOf.get(reader) === false ? s.deadlines.signWithoutPinpad : s.deadlines[method];
}

function callHost<T>(s: Supervisor, method: CallMethod, message: (id: number) => ToHost, reader?: string, deadlineMs = deadlineOf(s, method, reader)): Promise<T> {
  if (s.closed) return Promise.reject(new AppError('ERR_CARD_HOST_UNAVAILABLE', { reason: 'closed' }));
  if (s.gaveUp) return Promise.reject(s.gaveUp);
  const id = s.nextId++;
  return new Promise<T>((resolve, reject) => {
    s.pending.set(id, {
      method,
      reader,
      resolve: resolve as (v: unknown) => void,
      reject,
      deadline: setTimeout(() => {
        restartHost(s, `${method} missed its ${deadlineMs} ms deadline`, new Map([[id, new AppError('ERR_CARD_HOST_TIMEOUT', { method, deadlineMs })]]));
      }, deadlineMs),
    });
    void sendWhenUp(s, id, message);
  });
}

// Sent once the host is up: a host still starting would not know the call yet.
async function sendWhenUp(s: Supervisor, id: number, message: (id: number) => ToHost): Promise<void> {
  while (!s.running) {
    if (s.gaveUp || s.closed) return settle(s.pending, id, { error: s.gaveUp ?? new AppError('ERR_CARD_HOST_UNAVAILABLE') });
    await new Promise<void>((r) => s.waitingForStart.push(r));
  }
  const host = s.running;
  await host.ready;
  if (s.running !== host || !s.pending.has(id)) return;
  host.launched.transport.postMessage(message(id));
}

async function whenHostReady(s: Supervisor): Promise<void> {
  while (!s.running) {
    if (s.gaveUp || s.closed) throw s.gaveUp ?? new AppError('ERR_CARD_HOST_UNAVAILABLE');
    await new Promise<void>((r) => s.waitingForStart.push(r));
  }
  await s.running.ready;
}

async function closeHost(s: Supervisor): Promise<void> {
  s.closed = true;
  clearTimeout(s.restartTimer);
  const host = s.running;
  s.running = undefined;
  failAll(s.pending, () => new AppError('ERR_CARD_HOST_UNAVAILABLE', { reason: 'closed' }));
  wakeWaiters(s);
  s.listeners.clear();
  if (host) {
    clearTimeout(host.startTimer);
    const exited = new Promise<void>((r) => host.launched.onExit(() => r()));
    host.launched.kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
  }
}

export function createCardHost(options: CardHostOptions): CardHost {
  const s = createSupervisor(options);
  const call = <T>(method: CallMethod, message: (id: number) => ToHost, reader?: string, deadlineMs?: number): Promise<T> => callHost<T>(s, method, message, reader, deadlineMs);
  const smartcardTokens = createSmartcardTokens({
    call: (message, reader, deadlineMs) => call<unknown>('smartcard', message, reader, deadlineMs),
    deadlines: s.deadlines,
    lastReaders: () => s.lastReaders,
    seal: s.seal,
  });

  startHost(s);

  return {
    smartcardTokens: () => smartcardTokens,
    subscribe(listener) {
      s.listeners.add(listener);
      if (s.lastService?.type === 'service' && s.lastService.status === 'down') listener(s.lastService);
      listener({ type: 'readers', readers: s.lastReaders });
      return () => s.listeners.delete(listener);
    },
    readers: () => call<ReaderState[]>('readers', (id) => ({ t: 'call', id, method: 'readers' })),
    async read(reader) {
      const reading = await call<CardReading>('read', (id) => ({ t: 'call', id, method: 'read', reader }), reader);
      s.pinpadOf.set(reader, reading.pin.pinpad);
      // Validity is judged by our clock, not the host's (time is a parameter; the host cannot share it).
      return { ...reading, validity: validityAt(reading, s.clock()) };
    },
    async sign(request: SignRequest) {
      // The PIN crosses sealed (secret-seal.ts); ours is zeroed at once.
      const wire = {
        reader: request.reader,
        certificateId: request.certificateId,
        mechanism: request.mechanism,
        data: request.data.toString('base64'),
        pin: s.seal(request.pin),
      };
      request.pin.fill(0);
      const sig = await call<string>('sign', (id) => ({ t: 'call', id, method: 'sign', request: wire }), request.reader);
      return Buffer.from(sig, 'base64');
    },
    close: () => closeHost(s),
    hostPid: () => s.running?.launched.pid,
    diagnose: () => call<HostDiagnosis>('diagnose', (id) => ({ t: 'call', id, method: 'diagnose' })),
    whenReady: () => whenHostReady(s),
  };
}
