// RS256 over the handoff digest: RSASSA-PKCS1-v1_5 with the 32-byte `signed` value as the SHA-256 hash
// (docs/handoff-protocol.md §3). Node's verify() always hashes its input, so the signature is opened
// with the public key and compared with DigestInfo(sha256, signed) — exactly what a card computes with
// raw CKM_RSA_PKCS.
import { constants, createHash, publicDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { digestInfoFor, type Sha256 } from '@zorgid/protocol';

export const nodeSha256: Sha256 = (data) => createHash('sha256').update(data).digest();

export function verifyRs256Digest(publicKey: KeyObject, signed: Uint8Array, signature: Uint8Array): boolean {
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (publicKey.asymmetricKeyType !== 'rsa' || !modulusBits) return false;
  // PKCS#1 signatures are exactly as long as the modulus (RFC 8017 §8.2.2 step 1).
  if (signature.length !== Math.ceil(modulusBits / 8)) return false;
  let opened: Buffer;
  try {
    opened = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = digestInfoFor(signed);
  return opened.length === expected.length && timingSafeEqual(opened, expected);
}
