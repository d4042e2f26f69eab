// TokenAccess backed by token-worker.ts in a worker thread. The worker owns the PKCS#11 module for the
// life of the process (C_Initialize once per process), so it is started once and never replaced: a
// worker stuck in the middleware means the whole card host must go (the supervisor's job).
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CertificateSummary } from '../../../shared/domain';
import { AppError, deserializeError, type SerializedError } from '../../../shared/errors';
import type { TokenAccess, TokenSignRequest, TokenSlot } from './token-access';
import type { SmartcardTokenAccess } from './smartcard-token';
import type { ModuleInfo } from '../diagnostics/host-diagnosis';
import { secretCopy } from '../secret-bytes';

/** The Smartcard creation operations (smartcard-token.ts), forwarded by name. */
export type SmartcardMethod = Exclude<keyof SmartcardTokenAccess, keyof TokenAccess>;
const SMARTCARD_METHODS: readonly SmartcardMethod[] = [
  'inspectBlank', 'setUserPin', 'generateKeyPair', 'signWithKey', 'writeCertificate', 'readKeyAttributes', 'finalise', 'destroyObjects',
];
/** Secrets inside a Smartcard request: moved to the worker, our copies zeroed. */
const SECRET_FIELDS = new Set(['pin', 'newPin', 'soPin', 'transportPin']);

/**
 * Buffers become copies (Uint8Arrays on the other side: structured clone keeps no Buffer); secret ones
 * are zeroed here and their copies transferred, so no PIN stays behind in this thread.
 */
function toWire(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (Buffer.isBuffer(v)) {
      // An ArrayBuffer of its own (off the V8 heap, out of the pool): what is transferred is the only copy.
      const copy = secretCopy(v);
      if (SECRET_FIELDS.has(k)) {
        v.fill(0);
        transfer.push(copy.buffer as ArrayBuffer);
      }
      out[k] = copy;
    } else out[k] = toWire(v, transfer);
  }
  return out;
}

/** The inverse in the worker: every Uint8Array field a Buffer again (the adapter zeroes the secret ones). */
export function fromWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
}

export interface TokenWorkerData {
  modulePath: string | null;
  candidates?: readonly string[];
  /** The module token-worker.ts resolves to (for the tsx bootstrap). */
  entry?: string;
}

export type TokenWorkerRequest =
  | { id: number; op: 'listTokens' }
  | { id: number; op: 'readCertificates'; slotId: string }
  | { id: number; op: 'sign'; request: Omit<TokenSignRequest, 'pin'>; pin: Uint8Array }
  | { id: number; op: 'smartcard'; method: SmartcardMethod; request: unknown }
  /** C_GetInfo, slots and tokens for the diagnostics report (pkcs11-diagnose-adapter.ts). */
  | { id: number; op: 'diagnose' };

export type TokenWorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

type Body = TokenWorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface TokenWorkerOptions {
  modulePath: string | null;
  candidates?: readonly string[];
  /** Compiled worker file; defaults to token-worker.ts next to this file, run through tsx. */
  workerFile?: string;
}

export function startTokenWorker(options: TokenWorkerOptions): SmartcardTokenAccess & { diagnose(): Promise<ModuleInfo> } {
  const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  const entry = options.workerFile ?? here('./token-worker.ts');
  const viaTsx = entry.endsWith('.ts');
  const workerData: TokenWorkerData = { modulePath: options.modulePath, candidates: options.candidates, entry };
  const worker = new Worker(viaTsx ? here('./token-worker-boot.mjs') : entry, { workerData });
  worker.unref();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let dead: AppError | undefined;

  worker.on('message', (res: TokenWorkerResponse) => {
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.ok) p.resolve(res.value);
    else p.reject(deserializeError(res.error));
  });
  const fail = (err: AppError) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', (e) => fail(new AppError('ERR_CARD_MIDDLEWARE_FAILED', { message: e.message }, { cause: e })));
  worker.on('exit', (code) => fail(new AppError('ERR_CARD_MIDDLEWARE_FAILED', { reason: 'token worker exited', code })));

  const call = <T>(body: Body, transfer?: ArrayBuffer[]): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, ...body }, transfer);
    });
  };

  const smartcard = Object.fromEntries(
    SMARTCARD_METHODS.map((method) => [
      method,
      async (request: unknown) => {
        const transfer: ArrayBuffer[] = [];
        return fromWire(await call<unknown>({ op: 'smartcard', method, request: toWire(request, transfer) }, transfer));
      },
    ]),
  ) as unknown as Pick<SmartcardTokenAccess, SmartcardMethod>;

  return {
    ...smartcard,
    listTokens: () => call<TokenSlot[]>({ op: 'listTokens' }),
    diagnose: () => call<ModuleInfo>({ op: 'diagnose' }),
    readCertificates: (slotId) => call<CertificateSummary[]>({ op: 'readCertificates', slotId }),
    async sign(req) {
      // The PIN moves (transfer) into the worker; our copy is zeroed either way.
      const pin = secretCopy(req.pin);
      req.pin.fill(0);
      const { pin: _zeroed, ...rest } = req;
      const sig = await call<Uint8Array>({ op: 'sign', request: rest, pin }, [pin.buffer as ArrayBuffer]);
      return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength);
    },
    async close() {
      // terminate() never settles while the thread sits in native code; don't wait for it.
      void worker.terminate().catch(() => undefined);
    },
  };
}
