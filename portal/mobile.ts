// The ZORG-ID Mobile App's side of the portal (handoff-protocol.md §7): redeem an enrolment code
// (birth date + a device public key → a Mobiel ID), and confirm a login QR with a signature of the
// device key, after which the browser that shows that QR takes over a logged-in session. The wire
// formats and the device-key checks are here; the routes are in routes/mobile-routes.ts.
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { confirmCodeSchema } from './login-qr';
import type { MobileIdRecord } from './store/store';

/** Wrong birth dates allowed per enrolment code; the last one voids the code. */
export const ENROLMENT_MAX_ATTEMPTS = 5;

/** The text a device key signs to confirm a login QR: UTF-8, three lines, no trailing newline. */
export function mobileLoginMessage(origin: string, code: string): Uint8Array {
  return new TextEncoder().encode(`zorgid-mobile-login:1\n${origin}\n${code}`);
}

/** The text a device key signs to ask the state of its ID: `at` is the device's clock in ms. */
export function mobileStatusMessage(origin: string, mobileId: string, at: number): Uint8Array {
  return new TextEncoder().encode(`zorgid-mobile-status:1\n${origin}\n${mobileId}\n${at}`);
}

export const mobileStatusRequestSchema = z.strictObject({
  mobileId: z.string().min(22).max(22).regex(/^[A-Za-z0-9_-]+$/),
  at: z.number().int().nonnegative(),
  signature: z.string().min(40).max(700).regex(/^[A-Za-z0-9_-]+$/),
});

const base64urlText = (min: number, max: number) => z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]+$/);

const publicKeySchema = z.union([
  z.strictObject({ jwk: z.record(z.string(), z.unknown()) }),
  z.strictObject({ spki: z.string().min(40).max(2000).regex(/^[A-Za-z0-9+/]+={0,2}$/) }),
]);

export const enrolRequestSchema = z.strictObject({
  code: base64urlText(22, 64),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  publicKey: publicKeySchema,
});

export const mobileLoginRequestSchema = z.strictObject({
  code: base64urlText(22, 64),
  mobileId: base64urlText(22, 22),
  // ECDSA P-256 as IEEE P1363 (r‖s, 64 bytes) or RSA PKCS#1 v1.5 up to 4096 bits.
  signature: base64urlText(40, 700),
  // The code the app showed and the person matched with the page (login-qr.ts): required.
  confirmCode: confirmCodeSchema,
});

export const mobileLoginPromptRequestSchema = z.strictObject({ code: base64urlText(22, 64) });

/** P-256 (ES256) or RSA of at least 2048 bits (RS256); never a private key. */
export function deviceKey(input: z.infer<typeof publicKeySchema>): { spki: string; alg: MobileIdRecord['keyAlg'] } | null {
  try {
    if ('jwk' in input && 'd' in input.jwk) return null;
    const key: KeyObject =
      'jwk' in input
        ? createPublicKey({ key: input.jwk as JsonWebKey, format: 'jwk' })
        : createPublicKey({ key: Buffer.from(input.spki, 'base64'), format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails ?? {};
    let alg: MobileIdRecord['keyAlg'] | null = null;
    if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') alg = 'ES256';
    if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) alg = 'RS256';
    if (!alg) return null;
    return { spki: key.export({ type: 'spki', format: 'der' }).toString('base64'), alg };
  } catch {
    return null;
  }
}

export function verifyDeviceSignature(record: MobileIdRecord, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(record.publicKeySpki, 'base64'), format: 'der', type: 'spki' });
    if (record.keyAlg === 'ES256') return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    return verify('sha256', message, key, signature);
  } catch {
    return false;
  }
}
