// The codes both sides of the handoff protocol share: the token checks in the validator's order
// (handoff-protocol.md §5), the portal's answers the app shows to the person, and ERR_INTERNAL.
// Texts in messages.ts.
import { errorFamily, familyErrorClass, type ErrorKind } from './coded-error';

export const PROTOCOL_ERROR_KINDS = {
  // ZORG-ID Smartcard: the portal's answers to the app (handoff-protocol.md §8)
  ERR_SMARTCARD_VERIFY_FAILED: 'retry',
  ERR_SMARTCARD_CSR_INVALID: 'fatal',
  ERR_SMARTCARD_ALREADY_EXISTS: 'fatal',
  ERR_SMARTCARD_HAS_MOBIEL_ID: 'fatal',
  ERR_SMARTCARD_HOLDER_NO_MOBIEL_ID: 'fatal',
  ERR_SMARTCARD_ORGANISATION_NOT_ACTIVE: 'fatal',
  ERR_SMARTCARD_CA_NOT_CONFIGURED: 'fatal',
  ERR_SMARTCARD_NOT_FOUND: 'fatal',
  ERR_SMARTCARD_STATUS_CONFLICT: 'fatal',
  // Handoff token validation (@zorgid/validator, handoff-protocol.md §5, in check order)
  ERR_TOKEN_SIZE: 'fatal',
  ERR_TOKEN_SCHEMA: 'fatal',
  ERR_TOKEN_FORMAT_UNKNOWN: 'fatal',
  ERR_TOKEN_NOT_CANONICAL: 'fatal',
  ERR_TOKEN_REQUEST_UNKNOWN: 'fatal',
  ERR_TOKEN_PURPOSE_MISMATCH: 'fatal',
  ERR_TOKEN_ORIGIN_MISMATCH: 'fatal',
  ERR_TOKEN_REQUEST_EXPIRED: 'retry',
  ERR_TOKEN_REQUEST_USED: 'retry',
  ERR_TOKEN_CERT_MALFORMED: 'fatal',
  ERR_TOKEN_CERT_NOT_DER: 'fatal',
  ERR_TOKEN_CERT_EXPIRED: 'fatal',
  ERR_TOKEN_CERT_NOT_YET_VALID: 'fatal',
  ERR_TOKEN_CERT_KEY_USAGE: 'fatal',
  ERR_TOKEN_CERT_NOT_UZI: 'fatal',
  ERR_TOKEN_CARD_TYPE_NOT_ALLOWED: 'fatal',
  ERR_TOKEN_CERT_UNKNOWN_CA: 'fatal',
  ERR_TOKEN_CHAIN_INVALID: 'fatal',
  ERR_TOKEN_CERT_REVOKED: 'fatal',
  ERR_TOKEN_REVOCATION_UNKNOWN: 'retry',
  ERR_TOKEN_BROWSER_CODE_MISSING: 'fatal',
  ERR_TOKEN_SIGNATURE_INVALID: 'fatal',
  ERR_TOKEN_URA_MISMATCH: 'fatal',
  ERR_TOKEN_USER_UNKNOWN: 'fatal',
  ERR_TOKEN_USER_BLOCKED: 'fatal',
  ERR_TOKEN_PURPOSE_NOT_SUPPORTED: 'fatal',
  // Reference portal (portal/)
  ERR_PORTAL_BAD_REQUEST: 'fatal',
  ERR_PORTAL_FORBIDDEN_ORIGIN: 'fatal',
  ERR_PORTAL_HANDOFF_NOT_FOUND: 'fatal',
  ERR_PORTAL_HANDOFF_EXPIRED: 'retry',
  ERR_PORTAL_HANDOFF_NOT_PENDING: 'fatal',
  ERR_PORTAL_SESSION_MISMATCH: 'fatal',
  ERR_PORTAL_BROWSER_CODE_INVALID: 'fatal',
  ERR_ORG_REGISTRATION_EXISTS: 'fatal',
  ERR_ORG_URA_UNKNOWN: 'fatal',
  ERR_ORG_REGISTRATION_FINISHED: 'fatal',
  ERR_ORG_VALIDATION_STEP: 'fatal',
  ERR_ENROL_CODE_UNKNOWN: 'fatal',
  ERR_ENROL_CODE_EXPIRED: 'fatal',
  ERR_ENROL_CODE_USED: 'fatal',
  ERR_ENROL_CODE_VOID: 'fatal',
  ERR_ENROL_BIRTH_DATE_MISMATCH: 'retry',
  ERR_ENROL_DEVICE_KEY_INVALID: 'fatal',
  ERR_INTERNAL: 'fatal',
} as const satisfies Record<string, ErrorKind>;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_KINDS;
export const protocolErrors = errorFamily(PROTOCOL_ERROR_KINDS);
export class ProtocolError extends familyErrorClass('ProtocolError', protocolErrors) {}
