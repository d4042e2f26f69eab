// The PIN calls through native/pkcs11-pin against a real PKCS#11 module (SoftHSM2, loaded by
// graphene-pk11 as the card host does): C_Login, C_InitPIN and C_SetPIN take the PIN's bytes in place
// and answer as pkcs11js would (CKR_* → our codes through toAppError).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as graphene from 'graphene-pk11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftHsmToken, type SoftHsmToken } from '../../../../test/card-lab/softhsm';
import { SOFTHSM_MODULE } from '../../../../test/card-lab/pcscd';
import { changePin, initUserPin, loginWithPin } from './pkcs11-pin-adapter';
import { toAppError } from './pkcs11-errors';

const available = existsSync(SOFTHSM_MODULE) && existsSync('/usr/bin/softhsm2-util');
if (!available && process.env.CI) throw new Error(`SoftHSM2 unavailable in CI (${SOFTHSM_MODULE})`);
const RW = graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION;

describe.skipIf(!available)(available ? 'PKCS#11 PIN calls with the PIN in place' : 'PKCS#11 PIN calls [skipped: softhsm2 not installed]', () => {
  let token: SoftHsmToken;
  let mod: graphene.Module;
  let slot: graphene.Slot;

  beforeAll(async () => {
    token = await createSoftHsmToken({ label: 'zorgid pin adapter', pin: '135790', soPin: '24681357' });
    process.env.SOFTHSM2_CONF = token.conf;
    mod = graphene.Module.load(SOFTHSM_MODULE, 'SoftHSM');
    mod.initialize();
    slot = [...mod.getSlots(true)].find((s) => s.getToken().label === 'zorgid pin adapter')!;
  }, 60_000);
  afterAll(() => {
    try {
      mod?.finalize();
    } catch {
      /* already finalised */
    }
    token?.dispose();
  });

  const withSession = <T>(fn: (s: graphene.Session) => T): T => {
    const session = slot.open(RW);
    try {
      return fn(session);
    } finally {
      session.close();
    }
  };
  const loginError = (pin: string) =>
    withSession((s) => {
      try {
        loginWithPin(s, graphene.UserType.USER, Buffer.from(pin));
        s.logout();
        return null;
      } catch (e) {
        return toAppError(e);
      }
    });

  it('logs in with the right PIN, and a wrong one is ERR_PIN_INCORRECT', () => {
    withSession((s) => {
      const pin = Buffer.from('135790');
      loginWithPin(s, graphene.UserType.USER, pin);
      expect(pin.toString(), 'the caller zeroes its Buffer, not the call').toBe('135790');
      // Logged in: a second C_Login says so (the session is the user's).
      expect(() => loginWithPin(s, graphene.UserType.USER, pin)).toThrow(/CKR_USER_ALREADY_LOGGED_IN/);
      s.logout();
    });
    expect(loginError('000000')).toMatchObject({ code: 'ERR_PIN_INCORRECT', detail: { ckr: 'CKR_PIN_INCORRECT', method: 'C_Login' } });
  });

  it('sets the user PIN as SO (C_InitPIN) and changes it (C_SetPIN)', () => {
    withSession((s) => {
      loginWithPin(s, graphene.UserType.SO, Buffer.from('24681357'));
      initUserPin(s, Buffer.from('11223344'));
      s.logout();
    });
    expect(loginError('11223344')).toBeNull();
    expect(loginError('135790')).toMatchObject({ code: 'ERR_PIN_INCORRECT' });
    withSession((s) => {
      loginWithPin(s, graphene.UserType.USER, Buffer.from('11223344'));
      changePin(s, Buffer.from('11223344'), Buffer.from('55667788'));
      s.logout();
    });
    expect(loginError('55667788')).toBeNull();
    expect(loginError('11223344')).toMatchObject({ code: 'ERR_PIN_INCORRECT' });
  });

  it('refuses a module this process has not loaded, and a PIN that is not a Buffer', () => {
    const pin = createRequire(import.meta.url)('@zorgid/pkcs11-pin') as { login(p: string, s: Buffer, u: number, pin: unknown): number };
    withSession((s) => {
      expect(() => pin.login('/usr/lib/x86_64-linux-gnu/not-loaded-pkcs11.so', s.handle, 1, Buffer.from('135790'))).toThrow(/not loaded/);
      expect(() => pin.login(SOFTHSM_MODULE, s.handle, 1, '135790')).toThrow(TypeError);
      expect(() => pin.login(SOFTHSM_MODULE, Buffer.alloc(3), 1, Buffer.from('135790'))).toThrow(/wrong length/);
    });
  });
});
