import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalBase64, isCanonicalBase64Url } from './handoff-token';

describe('canonical base64 (RFC 4648 §3.5: one text per byte string)', () => {
  it('accepts what the encoder writes, with and without padding', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 32, 256]) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) & 0xff));
      expect(isCanonicalBase64(bytes.toString('base64')), `${n} bytes`).toBe(true);
      expect(isCanonicalBase64Url(bytes.toString('base64url')), `${n} bytes url`).toBe(true);
    }
  });

  it('refuses non-zero padding bits: other text for the same bytes', () => {
    expect(Buffer.from('QR==', 'base64')).toEqual(Buffer.from('QQ==', 'base64'));
    expect(isCanonicalBase64('QR==')).toBe(false);
    expect(isCanonicalBase64('QUJ=')).toBe(false);
    expect(isCanonicalBase64Url('QR')).toBe(false);
  });

  it('refuses missing or extra padding, whitespace and characters outside the alphabet', () => {
    for (const text of ['QQ', 'QQ=', 'QQ===', 'QUJD====', 'QU JD', 'QUJD\n', 'QU-D', 'QU_D', 'QU.D', '=QUJ']) {
      expect(isCanonicalBase64(text), JSON.stringify(text)).toBe(false);
    }
    for (const text of ['QQ==', 'Q', 'QU+D', 'QU/D', 'QU D']) expect(isCanonicalBase64Url(text), JSON.stringify(text)).toBe(false);
  });

  it('says what a decode and re-encode would say, for any text of the alphabets', () => {
    const chars = (alphabet: string) => fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 24 });
    const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
    const url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const roundTrips = (text: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 && Buffer.from(text, 'base64').toString('base64') === text;
    const roundTripsUrl = (text: string) => /^[A-Za-z0-9_-]*$/.test(text) && text.length % 4 !== 1 && Buffer.from(text, 'base64url').toString('base64url') === text;
    fc.assert(fc.property(chars(std), (text) => isCanonicalBase64(text) === roundTrips(text)), { numRuns: 20_000 });
    fc.assert(fc.property(chars(url), (text) => isCanonicalBase64Url(text) === roundTripsUrl(text)), { numRuns: 20_000 });
  });
});
