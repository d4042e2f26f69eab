// CKR_* → AppError: the one toAppError of the PKCS#11 adapters (pkcs11-adapter.ts and
// pkcs11-smartcard-adapter.ts). Plain data and functions; no native library here.
import { AppError } from '../../../shared/errors';

// CK_RV values (PKCS#11 v2.40 pkcs11t.h); pkcs11js reports them as `code` on its Pkcs11Error.
export const CKR = {
  CANCEL: 0x01,
  SLOT_ID_INVALID: 0x03,
  GENERAL_ERROR: 0x05,
  FUNCTION_FAILED: 0x06,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  FUNCTION_CANCELED: 0x50,
  KEY_HANDLE_INVALID: 0x60,
  KEY_SIZE_RANGE: 0x62,
  KEY_FUNCTION_NOT_PERMITTED: 0x68,
  MECHANISM_INVALID: 0x70,
  OBJECT_HANDLE_INVALID: 0x82,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  CRYPTOKI_NOT_INITIALIZED: 0x190,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;


export const CARD_GONE = new Set<number>([
  CKR.DEVICE_REMOVED,
  CKR.TOKEN_NOT_PRESENT,
  CKR.SESSION_HANDLE_INVALID,
  CKR.SESSION_CLOSED,
  CKR.SLOT_ID_INVALID,
]);

export function ckrOf(err: unknown): { code: number; name: string; method: string } | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: unknown; method?: unknown };
  const method = typeof e.method === 'string' ? e.method : '';
  if (typeof e.code === 'number' && /^CKR_/.test(e.message)) return { code: e.code, name: e.message, method };
  // pkcs11js's own C_FindObjects wrapper lets the native error through unparsed: 'CKR_DEVICE_REMOVED:50'.
  const raw = /^(CKR_[A-Z0-9_]+):(\d+)$/.exec(e.message);
  return raw ? { code: Number(raw[2]), name: raw[1]!, method } : null;
}

/**
 * The one place CKR_* become our codes. `keyBits` lets a failed 4096-bit signature say why; `method`
 * names the call when pkcs11js does not (its C_Sign wrapper drops the name).
 */
export function toAppError(err: unknown, context: { keyBits?: number | null; method?: string } = {}): AppError {
  if (err instanceof AppError) return err;
  const found = ckrOf(err);
  if (!found) {
    return new AppError('ERR_CARD_MIDDLEWARE_FAILED', { message: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
  const ckr = { ...found, method: found.method || context.method || '' };
  const detail = { ckr: ckr.name, method: ckr.method };
  const as = (code: ConstructorParameters<typeof AppError>[0]) => new AppError(code, detail, { cause: err });
  if (CARD_GONE.has(ckr.code)) return as('ERR_CARD_REMOVED');
  switch (ckr.code) {
    case CKR.PIN_INCORRECT:
      return as('ERR_PIN_INCORRECT');
    case CKR.PIN_LOCKED:
      return as('ERR_PIN_LOCKED');
    case CKR.PIN_LEN_RANGE:
    case CKR.PIN_INVALID:
      return as('ERR_PIN_FORMAT');
    case CKR.FUNCTION_CANCELED:
    case CKR.CANCEL:
      return as('ERR_PIN_CANCELLED');
    case CKR.TOKEN_NOT_RECOGNIZED:
      return as('ERR_CARD_TOKEN_NOT_FOUND');
    case CKR.KEY_HANDLE_INVALID:
    case CKR.OBJECT_HANDLE_INVALID:
      return as('ERR_CARD_KEY_NOT_FOUND');
    case CKR.KEY_FUNCTION_NOT_PERMITTED:
      return as('ERR_CERT_KEY_USAGE');
    case CKR.CRYPTOKI_NOT_INITIALIZED:
    case CKR.CRYPTOKI_ALREADY_INITIALIZED:
      return as('ERR_CARD_MIDDLEWARE_FAILED');
    case CKR.DEVICE_ERROR:
    case CKR.FUNCTION_FAILED:
    case CKR.GENERAL_ERROR:
    case CKR.KEY_SIZE_RANGE:
      // SafeSign without extended APDUs fails a 512-byte RSA-4096 signature like this (uzi-domain.md).
      if (/C_Sign/.test(ckr.method) && (context.keyBits ?? 0) > 2048) return as('ERR_CARD_KEY_SIZE_UNSUPPORTED_BY_READER');
      return as(/C_Sign/.test(ckr.method) ? 'ERR_CARD_SIGN_FAILED' : 'ERR_CARD_UNKNOWN');
    case CKR.MECHANISM_INVALID:
      return as('ERR_CARD_SIGN_FAILED');
    default:
      return as('ERR_CARD_UNKNOWN');
  }
}
