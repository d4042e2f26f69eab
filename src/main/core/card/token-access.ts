// The token port: what the card backend needs from PKCS#11. Implemented by pkcs11-adapter.ts (in the
// calling thread) and by token-worker-client.ts (the same adapter in a worker thread, so a call that
// hangs in the middleware does not freeze the card host's event loop).
import type { CertificateSummary, PinStatus } from '../../../shared/domain';
import type { SignMechanism } from './card-port';

export interface TokenSlot {
  /** Slot handle as hex; valid until the module is finalised. */
  slotId: string;
  /** CK_SLOT_INFO.slotDescription, trimmed. OpenSC and SafeSign put the PC/SC reader name here. */
  description: string;
  tokenLabel: string;
  tokenSerial: string;
  manufacturer: string;
  model: string;
  pin: PinStatus;
}

export interface TokenSignRequest {
  slotId: string;
  certificateId: string;
  mechanism: SignMechanism;
  data: Buffer;
  /** Zeroed by the implementation whatever the outcome. Ignored on a pinpad token. */
  pin: Buffer;
  /**
   * The token's PIN status as enumerated just before (the caller's listTokens or warm read): spares
   * the adapter a C_GetTokenInfo, which on a card is an APDU. Absent: the adapter asks the token.
   */
  pinStatus?: PinStatus;
}

export interface TokenAccess {
  /** Slots that hold a token, freshly enumerated (C_GetSlotList: also how OpenSC notices cards). */
  listTokens(): Promise<TokenSlot[]>;
  readCertificates(slotId: string): Promise<CertificateSummary[]>;
  sign(request: TokenSignRequest): Promise<Buffer>;
  close(): Promise<void>;
}
