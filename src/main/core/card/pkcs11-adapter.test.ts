// toAppError with errors shaped as pkcs11js throws them (Pkcs11Error: message 'CKR_…', numeric `code`,
// `method`); only the adapter may import pkcs11js. Real CKR_* errors from SoftHSM2 and OpenSC are
// mapped in supervisor.test.ts and card-host.lab.test.ts.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { CKR, toAppError } from './pkcs11-adapter';

const ckr = (name: string, code: number, method = 'C_Login') => Object.assign(new Error(name), { name: 'Pkcs11Error', code, method });

describe('CKR_* → our error codes', () => {
  it.each([
    ['CKR_PIN_INCORRECT', CKR.PIN_INCORRECT, 'ERR_PIN_INCORRECT', 'retry'],
    ['CKR_PIN_LOCKED', CKR.PIN_LOCKED, 'ERR_PIN_LOCKED', 'fatal'],
    ['CKR_PIN_LEN_RANGE', CKR.PIN_LEN_RANGE, 'ERR_PIN_FORMAT', 'retry'],
    ['CKR_FUNCTION_CANCELED', CKR.FUNCTION_CANCELED, 'ERR_PIN_CANCELLED', 'cancel'],
    ['CKR_DEVICE_REMOVED', CKR.DEVICE_REMOVED, 'ERR_CARD_REMOVED', 'retry'],
    ['CKR_TOKEN_NOT_PRESENT', CKR.TOKEN_NOT_PRESENT, 'ERR_CARD_REMOVED', 'retry'],
    ['CKR_SESSION_HANDLE_INVALID', CKR.SESSION_HANDLE_INVALID, 'ERR_CARD_REMOVED', 'retry'],
    ['CKR_CRYPTOKI_ALREADY_INITIALIZED', CKR.CRYPTOKI_ALREADY_INITIALIZED, 'ERR_CARD_MIDDLEWARE_FAILED', 'fatal'],
    ['CKR_KEY_FUNCTION_NOT_PERMITTED', CKR.KEY_FUNCTION_NOT_PERMITTED, 'ERR_CERT_KEY_USAGE', 'fatal'],
  ])('%s → %s', (name, code, ours, kind) => {
    const e = toAppError(ckr(name, code));
    expect([e.code, e.kind]).toEqual([ours, kind]);
    expect(e.detail).toMatchObject({ ckr: name, method: 'C_Login' });
  });

  it('explains a failed 4096-bit signature as the reader limit, a 2048-bit one as a sign failure', () => {
    expect(toAppError(ckr('CKR_DEVICE_ERROR', CKR.DEVICE_ERROR, 'C_Sign'), { keyBits: 4096 }).code).toBe('ERR_CARD_KEY_SIZE_UNSUPPORTED_BY_READER');
    expect(toAppError(ckr('CKR_DEVICE_ERROR', CKR.DEVICE_ERROR, 'C_Sign'), { keyBits: 2048 }).code).toBe('ERR_CARD_SIGN_FAILED');
  });

  it('names the call pkcs11js leaves unnamed (its C_Sign wrapper), so a failed signature is a sign failure', () => {
    const unnamed = ckr('CKR_DEVICE_ERROR', CKR.DEVICE_ERROR, '');
    expect(toAppError(unnamed, { keyBits: 2048, method: 'C_Sign' }).code).toBe('ERR_CARD_SIGN_FAILED');
    expect(toAppError(unnamed, { keyBits: 4096, method: 'C_Sign' }).code).toBe('ERR_CARD_KEY_SIZE_UNSUPPORTED_BY_READER');
    // The name pkcs11js gives wins over the caller's guess.
    expect(toAppError(ckr('CKR_DEVICE_ERROR', CKR.DEVICE_ERROR, 'C_Login'), { method: 'C_Sign' }).code).toBe('ERR_CARD_UNKNOWN');
  });

  it('reads a CKR_* that pkcs11js passes through unparsed (its C_FindObjects wrapper)', () => {
    const e = toAppError(new Error('CKR_DEVICE_REMOVED:50'));
    expect([e.code, e.kind]).toEqual(['ERR_CARD_REMOVED', 'retry']);
    expect(e.detail).toMatchObject({ ckr: 'CKR_DEVICE_REMOVED' });
    expect(toAppError(new Error('CKR_DEVICE_REMOVED:50 and more')).code).toBe('ERR_CARD_MIDDLEWARE_FAILED');
  });

  it('keeps an AppError, and calls anything else a middleware failure', () => {
    const mine = new AppError('ERR_PIN_LOCKED');
    expect(toAppError(mine)).toBe(mine);
    expect(toAppError(new Error('dlopen failed')).code).toBe('ERR_CARD_MIDDLEWARE_FAILED');
    expect(toAppError(ckr('CKR_VENDOR_DEFINED', 0x80000000)).code).toBe('ERR_CARD_UNKNOWN');
  });
});
