// The token operations that turn a blank ZORG-ID Smartcard into a working one (issue 8). Implemented by
// pkcs11-adapter.ts; the creation flow (core/enrol/create-smartcard.ts) drives them step by step.
//
// "Blank" (what inspectBlank reports) means, precisely:
//   - the token is initialised (CKF_TOKEN_INITIALIZED; an uninitialised slot is nobody's card), and
//   - a public session sees no certificate, public-key or data object, and
//   - once logged in as the user (generateKeyPair checks again before generating), no private key
//     either — except leftovers of an interrupted creation: objects carrying SMARTCARD_PENDING_LABEL.
//     Creation makes every object with that label and only relabels them (finalise) after the portal
//     activated the Smartcard, so a card pulled at any step before that stays blank by this rule, and
//     generateKeyPair removes the leftovers first.
// Anything else (a certificate, a foreign key) is "not blank" and the flow refuses to touch the card.
//
// Setting the PIN. SoftHSM2 (the lab's blank card) has a Security Officer: the SO logs in and
// C_InitPIN sets the user PIN (`{ kind: 'so' }`). A real blank ZORG-ID Smartcard is personalised by
// its vendor; the public documents do not say how it ships. Two shapes are supported, chosen by the
// card profile: an SO PIN known to the app (vendor-defined, never typed by the employee) with C_InitPIN,
// or a transport PIN printed on the card letter, changed with C_SetPIN (`{ kind: 'transport' }`).
import type { SignMechanism } from './card-port';
import type { TokenAccess } from './token-access';
import { isDigits } from '../secret-bytes';

/** CKA_LABEL of the key pair and certificate of a finished ZORG-ID Smartcard. */
export const SMARTCARD_KEY_LABEL = 'ZORG-ID Smartcard authenticatie';
/** CKA_LABEL while creating: objects with it are leftovers of an unfinished creation, never a card's identity. */
export const SMARTCARD_PENDING_LABEL = 'ZORG-ID Smartcard (aanmaken)';
/** CKA_ID of the authentication key pair and certificate on a created ZORG-ID Smartcard. */
export const SMARTCARD_KEY_ID = '01';
/** A ZORG-ID Smartcard PIN: 6 to 8 digits (seed 003). */
export const isSmartcardPin = (pin: Uint8Array): boolean => pin.length >= 6 && pin.length <= 8 && isDigits(pin);

export interface BlankInspection {
  slotId: string;
  blank: boolean;
  /** CKF_USER_PIN_INITIALIZED: false on a card fresh from an SO-initialised vendor. */
  userPinInitialised: boolean;
  certificates: number;
  publicKeys: number;
  /** Public objects with SMARTCARD_PENDING_LABEL: an interrupted creation (removed by generateKeyPair). */
  leftoverObjects: number;
  dataObjects: number;
}

export type PinAuthority = { kind: 'so'; soPin: Buffer } | { kind: 'transport'; transportPin: Buffer };

export interface SetPinRequest {
  slotId: string;
  authority: PinAuthority;
  /** 6–8 digits; zeroed by the implementation, as is the authority's PIN. */
  newPin: Buffer;
}

export interface GenerateKeyRequest {
  slotId: string;
  pin: Buffer;
  /** CKA_ID (hex) for both keys and, later, the certificate. */
  id: string;
  label: string;
  bits: 2048;
}

export interface GeneratedKey {
  id: string;
  /** SubjectPublicKeyInfo DER of the new public key. */
  spkiDer: Buffer;
}

export interface KeyAttributes {
  sensitive: boolean;
  extractable: boolean;
  alwaysSensitive: boolean;
  neverExtractable: boolean;
  private: boolean;
  sign: boolean;
  token: boolean;
  modulusBits: number;
}

export interface WriteCertificateRequest {
  slotId: string;
  pin: Buffer;
  id: string;
  label: string;
  der: Buffer;
}

export interface KeySignRequest {
  slotId: string;
  pin: Buffer;
  id: string;
  mechanism: SignMechanism;
  data: Buffer;
}

export interface SmartcardTokenAccess extends TokenAccess {
  inspectBlank(slotId: string): Promise<BlankInspection>;
  /** Sets the user PIN; the token must be blank (checked by the caller with inspectBlank). */
  setUserPin(req: SetPinRequest): Promise<void>;
  /** RSA key pair on the token; the private key sensitive, never extractable. Removes leftovers first, refuses a non-blank card. */
  generateKeyPair(req: GenerateKeyRequest): Promise<GeneratedKey>;
  /** Signs with the private key of CKA_ID `id`, certificate or not (the CSR is signed before there is one). */
  signWithKey(req: KeySignRequest): Promise<Buffer>;
  writeCertificate(req: WriteCertificateRequest): Promise<void>;
  readKeyAttributes(req: { slotId: string; pin: Buffer; id: string }): Promise<KeyAttributes>;
  /** Gives every object with this CKA_ID its final label: the card is finished. */
  finalise(req: { slotId: string; pin: Buffer; id: string; label: string }): Promise<void>;
  /** Destroys every object with this CKA_ID (private key, public key, certificate); returns how many. */
  destroyObjects(req: { slotId: string; pin: Buffer; id: string }): Promise<number>;
}
