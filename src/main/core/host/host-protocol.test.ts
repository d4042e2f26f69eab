// The JSON wire of the card host for Smartcard requests: Buffers survive a JSON round trip, and PINs
// (however nested: the PIN authority) are zeroed on the sending side once encoded.
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from './host-protocol';

describe('card host wire', () => {
  it('round-trips Buffers through JSON and zeroes only the PIN fields it was told to', () => {
    const newPin = Buffer.from('24681357');
    const soPin = Buffer.from('87654321');
    const der = Buffer.from([0, 1, 2, 255]);
    const request = { slotId: '1a', authority: { kind: 'so', soPin }, newPin, der, list: [Buffer.from('x')] };
    const wire = JSON.parse(JSON.stringify(toWire(request, true))) as unknown;
    expect([...newPin, ...soPin].every((b) => b === 0)).toBe(true);
    expect(der.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    const back = fromWire(wire) as { slotId: string; authority: { kind: string; soPin: Buffer }; newPin: Buffer; der: Buffer; list: Buffer[] };
    expect(back.slotId).toBe('1a');
    expect(back.authority.kind).toBe('so');
    expect(back.authority.soPin.toString()).toBe('87654321');
    expect(back.newPin.toString()).toBe('24681357');
    expect(back.der.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(back.list[0]!.toString()).toBe('x');
  });

  it('leaves PINs alone when encoding a result', () => {
    const pin = Buffer.from('1234');
    toWire({ pin }, false);
    expect(pin.toString()).toBe('1234');
  });
});
