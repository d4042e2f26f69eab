// The JSON wire of the card host: Buffers survive a JSON round trip; PINs (however nested: the PIN
// authority) cross only sealed (secret-seal.ts), never as their bytes or their base64, and are zeroed
// on the sending side.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from './host-protocol';
import { newSealKey, seal, unseal, type Rng } from './secret-seal';
import { secretBuffer, secretCopy } from '../secret-bytes';

/** A deterministic rng (time and randomness are parameters): SHA-256 of a counter. */
function countingRng(): Rng {
  let n = 0;
  return (bytes) => {
    const out = Buffer.alloc(bytes);
    for (let at = 0; at < bytes; at += 32) createHash('sha256').update(String(n++)).digest().copy(out, at);
    return out;
  };
}

describe('card host wire', () => {
  const key = newSealKey(countingRng());
  const sealer = (b: Buffer) => seal(key, b);
  const opener = (s: { $sealed: string }) => unseal(key, s);

  it('round-trips Buffers through JSON; the PIN fields cross sealed and are zeroed here', () => {
    const newPin = Buffer.from('24681357');
    const soPin = Buffer.from('87654321');
    const der = Buffer.from([0, 1, 2, 255]);
    const request = { slotId: '1a', authority: { kind: 'so', soPin }, newPin, der, list: [Buffer.from('x')] };
    const text = JSON.stringify(toWire(request, sealer));
    expect([...newPin, ...soPin].every((b) => b === 0)).toBe(true);
    for (const pin of ['24681357', '87654321']) {
      expect(text).not.toContain(pin);
      expect(text).not.toContain(Buffer.from(pin).toString('base64').slice(0, 8));
    }
    expect(der.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    const back = fromWire(JSON.parse(text), opener) as { slotId: string; authority: { kind: string; soPin: Buffer }; newPin: Buffer; der: Buffer; list: Buffer[] };
    expect(back.slotId).toBe('1a');
    expect(back.authority.kind).toBe('so');
    expect(back.authority.soPin.toString()).toBe('87654321');
    expect(back.newPin.toString()).toBe('24681357');
    expect(back.der.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(back.list[0]!.toString()).toBe('x');
  });

  it('refuses a PIN that would cross unsealed, and a sealed PIN where no key is', () => {
    const pin = Buffer.from('1234');
    expect(() => toWire({ slotId: '1', pin })).toThrow(/only sealed/);
    expect(pin.toString()).toBe('1234');
    const sealed = toWire({ pin }, sealer);
    expect(() => fromWire(sealed)).toThrow(/sealed PIN/);
  });

  it('seals each PIN with a fresh nonce, only the same key opens it, and long secrets round-trip', () => {
    const rng = countingRng();
    const k = newSealKey(rng);
    const a = seal(k, Buffer.from('12345678'), rng);
    const b = seal(k, Buffer.from('12345678'), rng);
    expect(a.$sealed).not.toBe(b.$sealed);
    expect(unseal(k, a).toString()).toBe('12345678');
    expect(unseal(newSealKey(rng), a).toString()).not.toBe('12345678');
    const long = Buffer.from('0123456789'.repeat(10));
    expect(unseal(k, seal(k, long, rng)).equals(long)).toBe(true);
    expect(() => unseal(k, { $sealed: 'AAAA' })).toThrow(/too short/);
  });

  it('keeps PINs in memory of their own: not in the shared pool, zeroing clears the only copy', () => {
    const pin = secretCopy(Buffer.from('13572468'));
    expect(pin.byteOffset).toBe(0);
    expect(pin.buffer.byteLength).toBe(8);
    expect(secretBuffer(4).buffer.byteLength).toBe(4);
    expect(unseal(key, seal(key, pin)).buffer.byteLength).toBe(8);
  });
});
