// Memory for PINs. A Buffer of its own ArrayBuffer: off the V8 heap (a small typed array made by
// length may live on it, where the garbage collector moves it and leaves the old bytes behind) and
// out of Buffer's shared pool, so zeroing it zeroes the only copy.
export function secretBuffer(length: number): Buffer {
  return Buffer.from(new ArrayBuffer(length));
}

/** A PIN's bytes are ASCII digits only (checked on the bytes: no string of the PIN is made for it). */
export const isDigits = (pin: Uint8Array): boolean => pin.every((b) => b >= 0x30 && b <= 0x39);

/** A copy of `source` in a secretBuffer. */
export function secretCopy(source: Uint8Array): Buffer {
  const out = secretBuffer(source.length);
  out.set(source);
  return out;
}
