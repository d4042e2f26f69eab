// The fuzz properties are only as good as their failure checks: these show each one can fail.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { OUTER_SIGNATURE_ALGORITHM, parseDerTree, reencode, serialiseDerTree } from './der-mutations';
import { typedOutcome } from './fuzz-support';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('typedOutcome', () => {
  it('returns the value, or the AppError as a refusal', async () => {
    expect(await typedOutcome('ok', () => 1)).toEqual({ ok: true, value: 1 });
    const out = await typedOutcome('refuses', () => {
      throw new AppError('ERR_CERT_MALFORMED');
    });
    expect(out.ok ? null : out.error.code).toBe('ERR_CERT_MALFORMED');
  });

  it('fails on an exception that is not our AppError', async () => {
    await expect(typedOutcome('parser', () => (undefined as unknown as string).replace('a', 'b'))).rejects.toThrow(/parser threw an untyped TypeError/);
  });

  it('fails on an input that keeps taking over 100 ms of CPU', async () => {
    await expect(typedOutcome('slow', () => busy(130))).rejects.toThrow(/slow took \d+ ms/);
  });
});

describe('der-mutations', () => {
  // SEQUENCE { SEQUENCE { INTEGER 1 }, SEQUENCE { NULL } }
  const der = Uint8Array.of(0x30, 0x09, 0x30, 0x03, 0x02, 0x01, 0x01, 0x30, 0x02, 0x05, 0x00);

  it('puts strict DER back together byte for byte', () => {
    expect(serialiseDerTree(parseDerTree(der))).toEqual(der);
  });

  it('re-encodes only the chosen element the BER way, fixing the lengths around it', () => {
    expect(reencode(der, OUTER_SIGNATURE_ALGORITHM, 'indefinite')).toEqual(Uint8Array.of(0x30, 0x0b, 0x30, 0x03, 0x02, 0x01, 0x01, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00));
    expect(reencode(der, OUTER_SIGNATURE_ALGORITHM, 'non-minimal')).toEqual(Uint8Array.of(0x30, 0x0b, 0x30, 0x03, 0x02, 0x01, 0x01, 0x30, 0x82, 0x00, 0x02, 0x05, 0x00));
  });
});
