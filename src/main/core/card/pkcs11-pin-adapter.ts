// The PIN calls of PKCS#11 (C_Login, C_InitPIN, C_SetPIN) with the PIN's bytes read in place by
// native/pkcs11-pin. graphene/pkcs11js take a PIN only as a JS string: it cannot be zeroed, and
// pkcs11js copies it into memory it frees without zeroing (found by test/smartcard/pin-residue).
// Here the PIN stays in the caller's Buffer, which the caller zeroes.
import { createRequire } from 'node:module';
import type * as graphene from 'graphene-pk11';
import { CKR } from './pkcs11-errors';

interface PinBinding {
  login(modulePath: string, session: Buffer, userType: number, pin: Buffer | null): number;
  initPin(modulePath: string, session: Buffer, pin: Buffer): number;
  setPin(modulePath: string, session: Buffer, oldPin: Buffer, newPin: Buffer): number;
}

let binding: PinBinding | undefined;
function pinBinding(): PinBinding {
  binding ??= createRequire(import.meta.url)('@zorgid/pkcs11-pin') as PinBinding;
  return binding;
}

const CKR_NAMES = new Map<number, string>(Object.entries(CKR).map(([name, code]) => [code, `CKR_${name}`]));

/** A failed call as pkcs11js reports one (message CKR_…, numeric code, method), for toAppError. */
function check(rv: number, method: string): void {
  if (rv === 0) return;
  const name = CKR_NAMES.get(rv) ?? `CKR_0x${rv.toString(16).toUpperCase()}`;
  throw Object.assign(new Error(name), { code: rv, method });
}

/** The session's module file and handle, as pkcs11js knows them. */
const where = (session: graphene.Session): [string, Buffer] => [session.slot.module.libFile, session.handle];

/** C_Login. `pin` null: the protected authentication path (a pinpad reader asks). */
export function loginWithPin(session: graphene.Session, userType: graphene.UserType, pin: Buffer | null): void {
  check(pinBinding().login(...where(session), userType, pin), 'C_Login');
}

/** C_InitPIN in an SO session. */
export function initUserPin(session: graphene.Session, pin: Buffer): void {
  check(pinBinding().initPin(...where(session), pin), 'C_InitPIN');
}

/** C_SetPIN: old → new. */
export function changePin(session: graphene.Session, oldPin: Buffer, newPin: Buffer): void {
  check(pinBinding().setPin(...where(session), oldPin, newPin), 'C_SetPIN');
}
