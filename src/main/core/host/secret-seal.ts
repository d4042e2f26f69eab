// A PIN on the card host's IPC is sealed, not merely encoded. The JSON messages, and the buffers Node
// and Electron serialise them through (freed without zeroing), then never hold a PIN's bytes, in plain
// text or base64 (test/smartcard/pin-residue.lab.test.ts scans both processes for them).
//
// The key is made once per supervisor (crypto random, or the rng given), sent to each card host in its
// init message and kept in a Buffer on both sides. Keystream: HMAC-SHA256(key, nonce ‖ block counter),
// XORed over the secret, with a fresh 16-byte nonce per secret, so no pad is used twice. It keeps PINs
// out of memory that outlives its use, as KeePass's in-memory protection does; it is not transport
// security (both ends are ours, on one machine).
import { createHmac, randomBytes } from 'node:crypto';
import { secretBuffer } from '../secret-bytes';

export interface SealedSecret {
  $sealed: string;
}
export type Rng = (bytes: number) => Buffer;

export const SEAL_KEY_BYTES = 32;
const NONCE_BYTES = 16;
const BLOCK = 32;

export function newSealKey(rng: Rng = randomBytes): Buffer {
  const key = secretBuffer(SEAL_KEY_BYTES);
  rng(SEAL_KEY_BYTES).copy(key);
  return key;
}

/** out[i] = input[i] XOR keystream[i]; the pads are zeroed after use. */
function xorKeystream(key: Buffer, nonce: Uint8Array, input: Uint8Array, out: Uint8Array): void {
  const counter = Buffer.alloc(4);
  for (let block = 0; block * BLOCK < input.length; block++) {
    counter.writeUInt32BE(block);
    const pad = createHmac('sha256', key).update(nonce).update(counter).digest();
    const end = Math.min(BLOCK, input.length - block * BLOCK);
    for (let i = 0; i < end; i++) out[block * BLOCK + i] = input[block * BLOCK + i]! ^ pad[i]!;
    pad.fill(0);
  }
}

/** Seals `secret` (the caller zeroes it). */
export function seal(key: Buffer, secret: Uint8Array, rng: Rng = randomBytes): SealedSecret {
  const body = Buffer.alloc(NONCE_BYTES + secret.length);
  rng(NONCE_BYTES).copy(body);
  xorKeystream(key, body.subarray(0, NONCE_BYTES), secret, body.subarray(NONCE_BYTES));
  return { $sealed: body.toString('base64') };
}

export function isSealed(value: unknown): value is SealedSecret {
  return typeof value === 'object' && value !== null && typeof (value as Partial<SealedSecret>).$sealed === 'string' && Object.keys(value).length === 1;
}

/** The secret again, in a secretBuffer the receiver zeroes after use. */
export function unseal(key: Buffer, sealed: SealedSecret): Buffer {
  const body = Buffer.from(sealed.$sealed, 'base64');
  if (body.length < NONCE_BYTES) throw new Error('sealed secret too short');
  const out = secretBuffer(body.length - NONCE_BYTES);
  xorKeystream(key, body.subarray(0, NONCE_BYTES), body.subarray(NONCE_BYTES), out);
  return out;
}
