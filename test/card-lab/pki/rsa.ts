// Deterministic RSA keys: candidates come from the seeded DRBG, primality is decided by OpenSSL's
// checkPrime (fast, native). checkPrime uses random Miller–Rabin bases internally, but its answer for a
// given candidate is fixed (a prime always passes; a composite passing 64 rounds has probability
// < 2^-128), so the key is a pure function of the seed.
import { checkPrimeSync, createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { HmacDrbg } from './drbg';

const E = 65537n;

const SMALL_PRIMES: number[] = (() => {
  const limit = 4000;
  const sieve = new Uint8Array(limit + 1);
  const out: number[] = [];
  for (let i = 2; i <= limit; i++) {
    if (sieve[i]) continue;
    if (i > 2) out.push(i);
    for (let j = i * i; j <= limit; j += i) sieve[j] = 1;
  }
  return out;
})();

function toBigInt(buf: Buffer): bigint {
  return BigInt('0x' + buf.toString('hex'));
}

function toBytes(n: bigint, length?: number): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const raw = Buffer.from(hex, 'hex');
  if (length === undefined || raw.length >= length) return raw;
  return Buffer.concat([Buffer.alloc(length - raw.length), raw]);
}

function b64u(n: bigint, length?: number): string {
  return toBytes(n, length).toString('base64url');
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A `bits`-bit prime p with gcd(p-1, e) = 1: incremental search from a DRBG candidate, sieved by small primes. */
function generatePrime(drbg: HmacDrbg, bits: number): bigint {
  for (;;) {
    const raw = drbg.bytes(bits / 8);
    // Top two bits set so p*q has exactly 2*bits bits; odd.
    raw[0]! |= 0xc0;
    raw[raw.length - 1]! |= 0x01;
    const start = toBigInt(raw);
    const residues = SMALL_PRIMES.map((sp) => Number(start % BigInt(sp)));
    for (let delta = 0; delta < 20_000; delta += 2) {
      let divisible = false;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((residues[i]! + delta) % SMALL_PRIMES[i]! === 0) {
          divisible = true;
          break;
        }
      }
      if (divisible) continue;
      const candidate = start + BigInt(delta);
      if (candidate >> BigInt(bits) !== 0n) break;
      if (gcd(candidate - 1n, E) !== 1n) continue;
      if (checkPrimeSync(candidate, { checks: 64 })) return candidate;
    }
  }
}

export interface RsaKeyMaterial {
  jwk: JsonWebKey;
  pkcs8Der: Buffer;
  spkiDer: Buffer;
}

/** RSA key of `modulusBits` bits, a pure function of `seedMaterial`. */
export function deterministicRsaKey(seedMaterial: string, modulusBits: 2048 | 3072 | 4096): RsaKeyMaterial {
  const drbg = new HmacDrbg(`rsa-${modulusBits}/${seedMaterial}`);
  const half = modulusBits / 2;
  let p = generatePrime(drbg, half);
  let q = generatePrime(drbg, half);
  while (p === q) q = generatePrime(drbg, half);
  if (p < q) [p, q] = [q, p];
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const jwk: JsonWebKey = {
    kty: 'RSA',
    n: b64u(n, modulusBits / 8),
    e: b64u(E),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  };
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  const pkcs8Der = key.export({ format: 'der', type: 'pkcs8' });
  const spkiDer = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { jwk, pkcs8Der, spkiDer };
}
