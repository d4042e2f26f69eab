import { describe, expect, it } from 'vitest';
import { UziError } from './errors';
import { derProblem, requireStrictDer } from './strict-der';

const bytes = (...b: number[]) => Uint8Array.from(b);
// SEQUENCE { INTEGER 1, OCTET STRING 'ab' }
const GOOD = bytes(0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x02, 0x61, 0x62);
const reasonOf = (b: Uint8Array) => derProblem(b)?.reason ?? 'der';

describe('derProblem (X.690 §10)', () => {
  it('accepts strict DER, including a long-form length from 128 bytes on', () => {
    expect(reasonOf(GOOD)).toBe('der');
    expect(reasonOf(bytes(0x04, 0x81, 0x80, ...new Array(128).fill(0x41)))).toBe('der');
    expect(reasonOf(bytes(0x30, 0x82, 0x01, 0x00, 0x04, 0x81, 0xfd, ...new Array(253).fill(0)))).toBe('der');
  });

  it('refuses an indefinite length, at the top and nested', () => {
    expect(reasonOf(bytes(0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00))).toBe('indefinite-length');
    expect(derProblem(bytes(0x30, 0x07, 0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00))).toEqual({ reason: 'indefinite-length', offset: 2 });
  });

  it('refuses non-minimal lengths: the long form under 128, and a leading zero byte', () => {
    expect(reasonOf(bytes(0x30, 0x81, 0x03, 0x02, 0x01, 0x01))).toBe('non-minimal-length');
    expect(reasonOf(bytes(0x30, 0x82, 0x00, 0x03, 0x02, 0x01, 0x01))).toBe('non-minimal-length');
    expect(reasonOf(bytes(0x04, 0x82, 0x00, 0x80, ...new Array(128).fill(0)))).toBe('non-minimal-length');
  });

  it('refuses trailing bytes, truncated values and children that overrun their parent', () => {
    expect(reasonOf(bytes(...GOOD, 0x00))).toBe('trailing-bytes');
    expect(reasonOf(GOOD.subarray(0, GOOD.length - 1))).toBe('truncated');
    expect(reasonOf(bytes(0x30, 0x03, 0x04, 0x05, 0x61))).toBe('truncated');
    expect(reasonOf(bytes(0x30))).toBe('truncated');
    expect(reasonOf(bytes(0x30, 0x82, 0x01))).toBe('truncated');
    expect(reasonOf(bytes())).toBe('empty');
  });

  it('refuses constructed strings, primitive sequences, high tag numbers, end-of-contents and 5-byte lengths', () => {
    expect(reasonOf(bytes(0x24, 0x04, 0x04, 0x02, 0x61, 0x62))).toBe('wrong-form');
    expect(reasonOf(bytes(0x10, 0x00))).toBe('wrong-form');
    expect(reasonOf(bytes(0x1f, 0x81, 0x00))).toBe('high-tag-number');
    expect(reasonOf(bytes(0x30, 0x02, 0x00, 0x00))).toBe('end-of-contents');
    expect(reasonOf(bytes(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00))).toBe('length-too-long');
  });

  it('refuses nesting deeper than 32 without recursing further', () => {
    let deep = bytes(0x05, 0x00);
    for (let i = 0; i < 40; i++) deep = bytes(0x30, ...(deep.length < 128 ? [deep.length] : [0x81, deep.length]), ...deep);
    expect(reasonOf(deep)).toBe('too-deep');
  });
});

describe('requireStrictDer', () => {
  const codeOf = (b: Uint8Array) => {
    try {
      requireStrictDer(b);
      return 'ok';
    } catch (err) {
      return err instanceof UziError ? err.code : 'untyped';
    }
  };

  it('ERR_CERT_NOT_DER for valid BER written the non-DER way, ERR_CERT_MALFORMED for damaged bytes', () => {
    expect(codeOf(GOOD)).toBe('ok');
    expect(codeOf(bytes(0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00))).toBe('ERR_CERT_NOT_DER');
    expect(codeOf(bytes(0x30, 0x81, 0x03, 0x02, 0x01, 0x01))).toBe('ERR_CERT_NOT_DER');
    expect(codeOf(bytes(0x24, 0x04, 0x04, 0x02, 0x61, 0x62))).toBe('ERR_CERT_NOT_DER');
    expect(codeOf(bytes(...GOOD, 0x00))).toBe('ERR_CERT_MALFORMED');
    expect(codeOf(GOOD.subarray(0, 4))).toBe('ERR_CERT_MALFORMED');
  });
});
