// What the supervisor and the card host say to each other. JSON only (Buffers as base64), so the same
// messages work over child_process.fork IPC and Electron's utilityProcess MessagePort.
import type { CardEvent, CardReading, ReaderState } from '../../../shared/domain';
import type { SerializedError } from '../../../shared/errors';
import type { SignMechanism } from '../card/card-port';
import { SECRET_FIELDS, type SmartcardOp } from '../card/smartcard-port';

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
  pin: string;
}

export type ToHost =
  | { t: 'init'; settings: HostSettings }
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
 * Buffers → { $b64 } for JSON IPC. With zeroSecrets, PIN Buffers are zeroed once encoded: the base64
 * text is then the only copy on this side, gone with the message.
 */
export function toWire(value: unknown, zeroSecrets: boolean): unknown {
  if (Buffer.isBuffer(value)) return { $b64: value.toString('base64') } satisfies WireBytes;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => toWire(v, zeroSecrets));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = toWire(v, zeroSecrets);
    if (zeroSecrets && Buffer.isBuffer(v) && SECRET_FIELDS.has(k)) v.fill(0);
  }
  return out;
}

export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const b64 = (value as Partial<WireBytes>).$b64;
  if (typeof b64 === 'string' && Object.keys(value).length === 1) return Buffer.from(b64, 'base64');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
}
