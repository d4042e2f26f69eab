// RS256 over the handoff digest: RSASSA-PKCS1-v1_5 with the 32-byte `signed` value as the SHA-256 hash
// (docs/handoff-protocol.md §3). Node's verify() always hashes its input, so the signature is opened
// with the public key and compared with DigestInfo(sha256, signed) — exactly what a card computes with
// raw CKM_RSA_PKCS.
import { constants, createHash, hash, publicDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { digestInfoFor, type Sha256 } from '@zorgid/protocol';

// crypto.hash (Node ≥ 20.12) is the one-shot digest, without a Hash object per call: five of them per token.
export const nodeSha256: Sha256 =
  typeof hash === 'function' ? (data) => hash('sha256', data, 'buffer') : (data) => createHash('sha256').update(data).digest();

// Node builds a new details object at every read of asymmetricKeyDetails; a key's modulus never changes.
const modulusBytesOf = new WeakMap<KeyObject, number>();

function modulusBytes(publicKey: KeyObject): number {
  let bytes = modulusBytesOf.get(publicKey);
  if (bytes === undefined) {
    const bits = publicKey.asymmetricKeyType === 'rsa' ? publicKey.asymmetricKeyDetails?.modulusLength : undefined;
    bytes = bits ? Math.ceil(bits / 8) : 0;
    modulusBytesOf.set(publicKey, bytes);
  }
  return bytes;
}

export function verifyRs256Digest(publicKey: KeyObject, signed: Uint8Array, signature: Uint8Array): boolean {
  const expectedLength = modulusBytes(publicKey);
  if (expectedLength === 0) return false;
  // PKCS#1 signatures are exactly as long as the modulus (RFC 8017 §8.2.2 step 1).
  if (signature.length !== expectedLength) return false;
  let opened: Buffer;
  try {
    opened = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = digestInfoFor(signed);
  return opened.length === expected.length && timingSafeEqual(opened, expected);
}
