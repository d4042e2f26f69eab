// Domain types both sides of every boundary agree on. No I/O here.
import type { UziHolder } from '@zorgid/uzi/holder';
import type { SerializedError } from './errors';

export type { CardType, UziHolder } from '@zorgid/uzi/holder';

/** What the ATR table says a card is. */
export type CardFamily = 'uzi' | 'zorgid-smartcard' | 'unknown';

export interface ReaderState {
  name: string;
  /** Card present in the reader? */
  present: boolean;
  /** Upper-case hex ATR with spaces ("3B FD 18 …") when a card is present. */
  atr: string | null;
  family: CardFamily | null;
  /** Display name from the ATR table ("UZI-pas", "ZORG-ID Smartcard", "Onbekende pas"). */
  cardName: string | null;
}

/** Events from the reader monitor, in order. `readers` is always a full snapshot after the change. */
export type CardEvent =
  | { type: 'readers'; readers: ReaderState[] }
  | { type: 'inserted'; reader: string; atr: string; family: CardFamily; at: number }
  | { type: 'removed'; reader: string; at: number }
  | { type: 'service'; status: 'up' | 'down'; error?: SerializedError }
  | { type: 'host'; status: 'restarted'; reason: string };

/** PIN state from the token's flags (CKF_USER_PIN_*). */
export interface PinStatus {
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
  /** CKF_PROTECTED_AUTHENTICATION_PATH: the PIN is entered on the reader's own keypad. */
  pinpad: boolean;
  minLength: number;
  maxLength: number;
}

export interface CertificateSummary {
  /** CKA_ID as hex */
  id: string;
  label: string;
  /** DER, base64 */
  der: string;
  usage: 'authentication' | 'signing' | 'encryption' | 'unknown';
  keyBits: number | null;
}

/** What one read of a card yields: token, certificates, holder (or why the holder could not be read). */
export interface CardReading {
  reader: string;
  slotId: string;
  tokenLabel: string;
  tokenSerial: string;
  pin: PinStatus;
  certificates: CertificateSummary[];
  /** The chosen authentication certificate (by CKA_ID), if any. */
  authCertificateId: string | null;
  holder: UziHolder | null;
  holderError: SerializedError | null;
  /** Validity against the clock at read time. */
  validity: 'valid' | 'expired' | 'not-yet-valid' | null;
}
