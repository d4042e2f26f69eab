// The closed set of error codes the desktop app may show or send (IPC, loopback HTTP, CLI output): its
// own beside the handoff protocol's (which include the portal's answers) and the UZI package's. Each
// code has a kind (what the person can do about it) and a Dutch + English message; the app's messages
// are in error-messages.ts, and adding a code here without a message there is a type error.
import { errorFamily, familyErrorClass, PROTOCOL_ERROR_KINDS, serializeInto, type ErrorKind, type SerializedError as Serialized } from '@zorgid/protocol/errors';
import { UZI_ERROR_KINDS } from '@zorgid/uzi/errors';

export type { ErrorKind } from '@zorgid/protocol/errors';

export const APP_ERROR_KINDS = {
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
  ERR_SMARTCARD_PORTAL_REFUSED: 'fatal',
  ERR_SMARTCARD_UNAVAILABLE: 'fatal',
  ERR_SMARTCARD_BUSY: 'retry',
  // PIN
  ERR_PIN_INCORRECT: 'retry',
  ERR_PIN_LOCKED: 'fatal',
  ERR_PIN_FORMAT: 'retry',
  ERR_PIN_CANCELLED: 'cancel',
  ERR_PIN_TIMEOUT: 'retry',
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
  // Managed workstation policy (issue 14)
  ERR_POLICY_INVALID: 'fatal',
  ERR_POLICY_UNKNOWN_KEY: 'cancel',
  ERR_SETTINGS_LOCKED: 'cancel',
  // Diagnostics and log (issue 14)
  ERR_DIAG_UNAVAILABLE: 'fatal',
  ERR_DIAG_SAVE_UNAVAILABLE: 'fatal',
  ERR_DIAG_SAVE_FAILED: 'retry',
} as const satisfies Record<string, ErrorKind>;

export const ERROR_KINDS = { ...PROTOCOL_ERROR_KINDS, ...UZI_ERROR_KINDS, ...APP_ERROR_KINDS };
export type ErrorCode = keyof typeof ERROR_KINDS;
const appErrors = errorFamily(ERROR_KINDS);

export const ERROR_CODES = appErrors.codes;
export const isErrorCode = appErrors.isCode;
export const kindOf = appErrors.kindOf;

/** The app's error class; also true for the UZI package's and the protocol's coded errors. */
export class AppError extends familyErrorClass('AppError', appErrors) {}

export type SerializedError = Serialized<ErrorCode>;
export const serializeError = serializeInto(appErrors);

export function deserializeError(e: SerializedError): AppError {
  return new AppError(isErrorCode(e.code) ? e.code : 'ERR_INTERNAL', e.detail);
}

/** What crosses IPC and HTTP: never a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

export const ok = <T,>(value: T): Result<T> => ({ ok: true, value });
export const fail = (err: unknown): Result<never> => ({ ok: false, error: serializeError(err) });
