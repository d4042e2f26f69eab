import { describe, expect, it } from 'vitest';
import { UZI_ATR, ZORGID_SMARTCARD_LAB_ATR as LAB_SC_ATR } from '../../../../test/card-lab/pki/cards';
import { ATR_TABLE, formatAtr, lookupAtr, ZORGID_SMARTCARD_LAB_ATR } from './atr-table';

describe('ATR table', () => {
  it('knows the three UZI-pas ATRs from the public smartcard list', () => {
    for (const atr of [
      '3B FD 18 00 FF 81 31 FE 45 43 49 42 47 55 5A 49 4A 32 41 30 38 31 58',
      '3B DC 18 FF 81 91 FE 1F C3 06 0A 2B 06 01 04 01 E9 10 05 02 03 D1',
      '3B DC 18 FF 81 91 FE 1F C3 06 0A 2B 06 01 04 01 E9 10 05 02 04 D6',
    ]) {
      expect(lookupAtr(atr)).toEqual({ family: 'uzi', name: { nl: 'UZI-pas', en: 'UZI card' } });
    }
  });

  it('names the ZORG-ID Smartcard, with the ATR the card lab presents', () => {
    expect(ZORGID_SMARTCARD_LAB_ATR).toBe(LAB_SC_ATR);
    expect(lookupAtr(LAB_SC_ATR).family).toBe('zorgid-smartcard');
    expect(lookupAtr(UZI_ATR).family).toBe('uzi');
  });

  it('calls anything else an unknown card', () => {
    expect(lookupAtr('3B 02 14 50')).toEqual({ family: 'unknown', name: { nl: 'Onbekende pas', en: 'Unknown card' } });
    // A prefix of a known ATR is not that card.
    expect(lookupAtr('3B FD 18 00 FF 81 31 FE 45').family).toBe('unknown');
  });

  it('accepts a Buffer or any hex spelling and matches `..` as any byte', () => {
    expect(formatAtr(Buffer.from('3bfd18', 'hex'))).toBe('3B FD 18');
    expect(formatAtr('3b:fd:18')).toBe('3B FD 18');
    const table = [{ pattern: '3B .. 18', family: 'uzi' as const, name: { nl: 'x', en: 'x' }, source: 'test' }];
    expect(lookupAtr('3B 77 18', table).family).toBe('uzi');
    expect(lookupAtr('3B 77 19', table).family).toBe('unknown');
  });

  it('has unique patterns', () => {
    expect(new Set(ATR_TABLE.map((e) => e.pattern)).size).toBe(ATR_TABLE.length);
  });
});
