// The provider's signing keys, persisted in the portal store (never in the repository): one RS256 key
// generated on first start; a rotation adds a new signing key and keeps the old ones in the JWKS for
// RETIRED_KEY_KEEP_MS, so tokens signed before the rotation still verify until they expire.
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import type { OidcKeyRecord, OidcStore } from '../store/oidc-store';

/** Longer than any token we sign lives (ID token 1 h, logout token 2 min). */
export const RETIRED_KEY_KEEP_MS = 24 * 60 * 60_000;

export interface KeyDeps {
  store: OidcStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
}

function newKey(deps: KeyDeps): OidcKeyRecord {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = Buffer.from(deps.rng(12)).toString('base64url');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, jwk, createdAt: deps.clock(), retiredAt: null };
}

/** Adds a new signing key; the previous ones stay for verification. Returns its kid. */
export async function rotateSigningKey(deps: KeyDeps): Promise<string> {
  const key = newKey(deps);
  await deps.store.addKey(key);
  return key.kid;
}

/** The keys oidc-provider gets: the signing key first (it signs with the first that fits). */
export async function signingKeys(deps: KeyDeps): Promise<JWK[]> {
  let keys = await deps.store.listKeys();
  if (!keys.some((k) => k.retiredAt === null)) {
    await rotateSigningKey(deps);
    keys = await deps.store.listKeys();
  }
  const now = deps.clock();
  return keys
    .filter((k) => k.retiredAt === null || now - k.retiredAt < RETIRED_KEY_KEEP_MS)
    .sort((a, b) => Number(a.retiredAt !== null) - Number(b.retiredAt !== null) || b.createdAt - a.createdAt)
    .map((k) => k.jwk as JWK);
}
