// The card port: what every flow needs from cards, whoever provides it — the supervised card host
// (production, tests), the in-process backend (unit tests), or the demo card (npm start without pcscd).
import type { CardEvent, CardReading, ReaderState } from '../../../shared/domain';

export type SignMechanism = 'SHA256_RSA_PKCS' | 'RSA_PKCS';

export interface SignRequest {
  reader: string;
  /** CKA_ID (hex) of the certificate whose private key signs. */
  certificateId: string;
  mechanism: SignMechanism;
  data: Buffer;
  /** Zeroed by the callee after use, whatever the outcome. Empty on a pinpad reader. */
  pin: Buffer;
}

export interface CardService {
  /** Listener gets a 'readers' snapshot first, then every event. Returns an unsubscribe function. */
  subscribe(listener: (event: CardEvent) => void): () => void;
  readers(): Promise<ReaderState[]>;
  /** Reads token, certificates and holder of the card in `reader`. Throws AppError. */
  read(reader: string): Promise<CardReading>;
  /** Logs in with the PIN, signs, logs out. Never retries the PIN. Throws AppError. */
  sign(request: SignRequest): Promise<Buffer>;
  close(): Promise<void>;
}
