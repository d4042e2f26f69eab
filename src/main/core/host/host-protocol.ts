// What the supervisor and the card host say to each other. JSON only (Buffers as base64), so the same
// messages work over child_process.fork IPC and Electron's utilityProcess MessagePort.
import type { CardEvent, CardReading, ReaderState } from '../../../shared/domain';
import type { SerializedError } from '../../../shared/errors';
import type { SignMechanism } from '../card/card-port';

export interface HostSettings {
  /** PKCS#11 module from settings; null → the per-OS SafeSign search list. */
  modulePath: string | null;
  /** Extra search candidates (tests); replaces the per-OS list when given. */
  moduleCandidates?: string[];
  /** false → no PC/SC monitor (SoftHSM-only hosts, benchmarks). */
  pcsc: boolean;
  /** Compiled token worker file (built app); dev/test run the .ts through tsx. */
  tokenWorkerFile?: string;
}

export type CallMethod = 'readers' | 'read' | 'sign';

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
  | { t: 'call'; id: number; method: 'sign'; request: WireSignRequest };

export type FromHost =
  | { t: 'ready' }
  | { t: 'event'; event: CardEvent }
  | { t: 'result'; id: number; ok: true; value: ReaderState[] | CardReading | string }
  | { t: 'result'; id: number; ok: false; error: SerializedError };

/** The smallest common shape of a fork()ed child's IPC and Electron's parentPort. */
export interface HostTransport {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}
