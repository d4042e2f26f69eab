// The closed set of error codes that may cross a boundary (IPC, HTTP, CLI output).
// Each code has a kind (what the person can do about it) and a Dutch + English message in
// error-messages.ts; adding a code here without a message there is a type error.

export type ErrorKind = 'retry' | 'cancel' | 'fatal';

export const ERROR_KINDS = {
  // Card host and readers
  ERR_CARD_HOST_RESTARTED: 'retry',
  ERR_CARD_HOST_TIMEOUT: 'retry',
  ERR_CARD_HOST_UNAVAILABLE: 'fatal',
  ERR_CARD_PCSC_UNAVAILABLE: 'retry',
  ERR_CARD_NO_READER: 'retry',
  ERR_CARD_READER_NOT_FOUND: 'retry',
  ERR_CARD_NOT_PRESENT: 'retry',
  ERR_CARD_REMOVED: 'retry',
  ERR_CARD_BUSY: 'retry',
  ERR_CARD_MIDDLEWARE_MISSING: 'fatal',
  ERR_CARD_MIDDLEWARE_FAILED: 'fatal',
  ERR_CARD_TOKEN_NOT_FOUND: 'retry',
  ERR_CARD_TOKEN_AMBIGUOUS: 'cancel',
  ERR_CARD_NO_AUTH_CERTIFICATE: 'fatal',
  ERR_CARD_KEY_NOT_FOUND: 'fatal',
  ERR_CARD_SIGN_FAILED: 'retry',
  ERR_CARD_KEY_SIZE_UNSUPPORTED_BY_READER: 'fatal',
  ERR_CARD_UNKNOWN: 'fatal',
  // ZORG-ID Smartcard creation (issue 8)
  ERR_SMARTCARD_NOT_BLANK: 'fatal',
  ERR_SMARTCARD_PIN_MISMATCH: 'retry',
  ERR_SMARTCARD_PIN_FORMAT: 'retry',
  ERR_SMARTCARD_KEYGEN_FAILED: 'retry',
  ERR_SMARTCARD_WRITE_FAILED: 'retry',
  ERR_SMARTCARD_VERIFY_FAILED: 'retry',
  ERR_SMARTCARD_CSR_INVALID: 'fatal',
  ERR_SMARTCARD_ALREADY_EXISTS: 'fatal',
  ERR_SMARTCARD_HAS_MOBIEL_ID: 'fatal',
  ERR_SMARTCARD_HOLDER_NO_MOBIEL_ID: 'fatal',
  ERR_SMARTCARD_ORGANISATION_NOT_ACTIVE: 'fatal',
  ERR_SMARTCARD_CA_NOT_CONFIGURED: 'fatal',
  ERR_SMARTCARD_PORTAL_REFUSED: 'fatal',
  ERR_SMARTCARD_UNAVAILABLE: 'fatal',
  ERR_SMARTCARD_BUSY: 'retry',
  ERR_SMARTCARD_NOT_FOUND: 'fatal',
  ERR_SMARTCARD_STATUS_CONFLICT: 'fatal',
  // PIN
  ERR_PIN_INCORRECT: 'retry',
  ERR_PIN_LOCKED: 'fatal',
  ERR_PIN_FORMAT: 'retry',
  ERR_PIN_CANCELLED: 'cancel',
  ERR_PIN_TIMEOUT: 'retry',
  // Certificates (UZI parser and chain verification)
  ERR_CERT_MALFORMED: 'fatal',
  ERR_CERT_NOT_DER: 'fatal',
  ERR_CERT_NOT_UZI: 'fatal',
  ERR_CERT_UZI_VALUE_NOT_IA5: 'fatal',
  ERR_CERT_UZI_FIELD_COUNT: 'fatal',
  ERR_CERT_UZI_VERSION: 'fatal',
  ERR_CERT_UZI_OID_CA_UNKNOWN: 'fatal',
  ERR_CERT_UZI_NUMBER_INVALID: 'fatal',
  ERR_CERT_UZI_CARD_TYPE_INVALID: 'fatal',
  ERR_CERT_UZI_URA_INVALID: 'fatal',
  ERR_CERT_UZI_ROLE_INVALID: 'fatal',
  ERR_CERT_UZI_AGB_INVALID: 'fatal',
  ERR_CERT_EXPIRED: 'fatal',
  ERR_CERT_NOT_YET_VALID: 'fatal',
  ERR_CERT_REVOKED: 'fatal',
  ERR_CERT_REVOCATION_UNKNOWN: 'fatal',
  ERR_CERT_UNKNOWN_CA: 'fatal',
  ERR_CERT_CHAIN_INVALID: 'fatal',
  ERR_CERT_KEY_USAGE: 'fatal',
  // Handoff token validation (portal/validator, handoff-protocol.md §5, in check order)
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
  // HTTP limits in front of every portal route (portal/http-guard.ts, issue 15 item 1)
  ERR_HTTP_BODY_TOO_LARGE: 'fatal',
  ERR_HTTP_BAD_JSON: 'fatal',
  ERR_HTTP_RATE_LIMITED: 'retry',
  ERR_HTTP_CROSS_SITE: 'fatal',
  // Organisation validation, enrolment codes and Mobiel ID (portal/, manual §6, handoff-protocol.md §7)
  ERR_PORTAL_OPERATOR_FORBIDDEN: 'fatal',
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
  ERR_MOBILE_QR_INVALID: 'fatal',
  ERR_MOBILE_LOGIN_CODE_UNKNOWN: 'retry',
  ERR_MOBILE_LOGIN_CODE_EXPIRED: 'retry',
  ERR_MOBILE_LOGIN_CODE_USED: 'retry',
  ERR_MOBILE_LOGIN_CODE_VOID: 'retry',
  ERR_MOBILE_CODE_MISMATCH: 'retry',
  ERR_MOBILE_ID_UNKNOWN: 'fatal',
  ERR_MOBILE_SIGNATURE_INVALID: 'fatal',
  ERR_MOBILE_ID_BLOCKED: 'fatal',
  ERR_MOBILE_ID_REVOKED: 'fatal',
  // Portal administration: roles, users, block/revoke, memberships (portal/admin*, manual §4–§9)
  ERR_ADMIN_LOGIN_REQUIRED: 'retry',
  ERR_ADMIN_FORBIDDEN: 'fatal',
  ERR_ADMIN_INVALID_INPUT: 'retry',
  ERR_ADMIN_ORG_UNKNOWN: 'fatal',
  ERR_ADMIN_USER_NOT_FOUND: 'fatal',
  ERR_ADMIN_ONLY_ADMINISTRATOR: 'fatal',
  ERR_ADMIN_NO_MOBILE_ID: 'fatal',
  ERR_ADMIN_ALREADY_BLOCKED: 'fatal',
  ERR_ADMIN_NOT_BLOCKED: 'fatal',
  ERR_ADMIN_USER_BLOCKED: 'fatal',
  ERR_ADMIN_MEMBER_EXISTS: 'fatal',
  ERR_ADMIN_MEMBER_MISMATCH: 'retry',
  ERR_ADMIN_CONFIRMATION_REQUIRED: 'retry',
  ERR_ADMIN_OTHER_ORGANISATION: 'fatal',
  ERR_ADMIN_DEVICE_ACTIVE: 'fatal',
  // App ↔ portal back-channel (src/main/core/handoff/portal-client.ts)
  ERR_PORTAL_UNREACHABLE: 'retry',
  ERR_PORTAL_TIMEOUT: 'retry',
  ERR_PORTAL_BAD_RESPONSE: 'fatal',
  // Loopback listener (src/main/core/handoff/loopback-listener.ts)
  ERR_HANDOFF_HOST_FORBIDDEN: 'fatal',
  ERR_HANDOFF_OTHER_USER: 'cancel',
  ERR_HANDOFF_NOT_NAVIGATION: 'fatal',
  ERR_HANDOFF_PATH_UNKNOWN: 'fatal',
  ERR_HANDOFF_METHOD_NOT_ALLOWED: 'fatal',
  ERR_HANDOFF_REQUEST_TOO_LARGE: 'fatal',
  ERR_HANDOFF_BODY_NOT_ALLOWED: 'fatal',
  ERR_HANDOFF_REQUEST_TIMEOUT: 'retry',
  ERR_HANDOFF_BAD_QUERY: 'fatal',
  ERR_HANDOFF_PORTAL_NOT_ALLOWED: 'fatal',
  ERR_HANDOFF_BUSY: 'retry',
  ERR_HANDOFF_REQUEST_REUSED: 'fatal',
  ERR_HANDOFF_REQUEST_MISMATCH: 'fatal',
  ERR_HANDOFF_PURPOSE_MISMATCH: 'fatal',
  ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED: 'fatal',
  ERR_HANDOFF_URA_MISMATCH: 'fatal',
  ERR_HANDOFF_QR_INVALID: 'fatal',
  ERR_HANDOFF_REQUEST_EXPIRED: 'retry',
  ERR_HANDOFF_LISTENER_UNAVAILABLE: 'fatal',
  // App store (src/main/core/store)
  ERR_STORE_UNAVAILABLE: 'fatal',
  ERR_STORE_SCHEMA_TOO_NEW: 'fatal',
  ERR_STORE_MIGRATION_FAILED: 'fatal',
  ERR_STORE_AUDIT_RECORD_INVALID: 'fatal',
  // Settings, IPC, generic
  ERR_SETTINGS_INVALID: 'retry',
  ERR_IPC_INVALID_INPUT: 'fatal',
  ERR_IPC_FORBIDDEN_SENDER: 'fatal',
  ERR_IPC_UNKNOWN_CHANNEL: 'fatal',
  ERR_DEMO_DISABLED: 'fatal',
  ERR_APP_NATIVE_MODULE: 'fatal',
  ERR_APP_START_FAILED: 'fatal',
  ERR_INTERNAL: 'fatal',
  // Diagnostics and log (issue 14)
  ERR_DIAG_SAVE_UNAVAILABLE: 'fatal',
  ERR_DIAG_SAVE_FAILED: 'retry',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

export const ERROR_CODES = Object.keys(ERROR_KINDS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_KINDS, value);
}

export function kindOf(code: ErrorCode): ErrorKind {
  return ERROR_KINDS[code];
}

/** The one error class of the product. `detail` is for logs and support, never shown as the message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'AppError';
    this.code = code;
    this.kind = ERROR_KINDS[code];
    this.detail = detail;
  }

  toJSON(): SerializedError {
    return { code: this.code, kind: this.kind, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

export interface SerializedError {
  code: ErrorCode;
  kind: ErrorKind;
  detail?: Record<string, unknown>;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof AppError) return err.toJSON();
  return { code: 'ERR_INTERNAL', kind: 'fatal', detail: { message: err instanceof Error ? err.message : String(err) } };
}

export function deserializeError(e: SerializedError): AppError {
  return new AppError(isErrorCode(e.code) ? e.code : 'ERR_INTERNAL', e.detail);
}

/** What crosses IPC and HTTP: never a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (err: unknown): Result<never> => ({ ok: false, error: serializeError(err) });
