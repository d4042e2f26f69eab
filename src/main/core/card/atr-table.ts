// ATR → card family, as data (web-eid's ATR table is the model). Patterns are hex bytes with `..` as
// a one-byte wildcard; a pattern must match the whole ATR. Unknown ATRs are still tried through
// PKCS#11 (uzi-domain.md): the table only decides the name shown and the family hint.
import type { CardFamily } from '../../../shared/domain';
import type { Language } from '../../../shared/error-messages';

export interface AtrEntry {
  pattern: string;
  family: CardFamily;
  name: Record<Language, string>;
  /** Where the ATR comes from, for the next person who wonders. */
  source: string;
}

const UZI_NAME = { nl: 'UZI-pas', en: 'UZI card' };

/**
 * The ZORG-ID Smartcard ATR the card lab presents (T=1, historical bytes "ZORG-ID-SC"; the same value as
 * test/card-lab/pki/cards.ts, a unit test keeps them equal). The real
 * ZORG-ID Smartcard ATR is not public yet; replace it here when it is, and the lab follows.
 */
export const ZORGID_SMARTCARD_LAB_ATR = '3B 8A 80 01 5A 4F 52 47 2D 49 44 2D 53 43 16';

export const ATR_TABLE: readonly AtrEntry[] = [
  {
    // Historical bytes spell "CIBGUZIJ2A081"; pcsc_scan names it "Caregiver card for Dutch Medical System called UZI".
    pattern: '3B FD 18 00 FF 81 31 FE 45 43 49 42 47 55 5A 49 4A 32 41 30 38 31 58',
    family: 'uzi',
    name: UZI_NAME,
    source: 'public smartcard_list.txt (uzi-domain.md)',
  },
  {
    pattern: '3B DC 18 FF 81 91 FE 1F C3 06 0A 2B 06 01 04 01 E9 10 05 02 03 D1',
    family: 'uzi',
    name: UZI_NAME,
    source: 'public smartcard_list.txt (uzi-domain.md)',
  },
  {
    pattern: '3B DC 18 FF 81 91 FE 1F C3 06 0A 2B 06 01 04 01 E9 10 05 02 04 D6',
    family: 'uzi',
    name: UZI_NAME,
    source: 'public smartcard_list.txt (uzi-domain.md)',
  },
  {
    pattern: ZORGID_SMARTCARD_LAB_ATR,
    family: 'zorgid-smartcard',
    name: { nl: 'ZORG-ID Smartcard', en: 'ZORG-ID Smartcard' },
    source: 'placeholder until the real ATR is published (the card lab presents the same)',
  },
];

export const UNKNOWN_CARD_NAME: Record<Language, string> = { nl: 'Onbekende pas', en: 'Unknown card' };

/** "3bfd18…" / Buffer → "3B FD 18 …" (the form ReaderState and CardEvent carry). */
export function formatAtr(atr: Buffer | string): string {
  const hex = typeof atr === 'string' ? atr.replace(/[^0-9a-fA-F]/g, '') : atr.toString('hex');
  return (hex.toUpperCase().match(/../g) ?? []).join(' ');
}

function matches(pattern: string, atr: string): boolean {
  const want = pattern.trim().split(/\s+/);
  const got = atr.split(' ');
  if (want.length !== got.length) return false;
  return want.every((byte, i) => byte === '..' || byte.toUpperCase() === got[i]);
}

export interface AtrMatch {
  family: CardFamily;
  name: Record<Language, string>;
}

export function lookupAtr(atr: Buffer | string, table: readonly AtrEntry[] = ATR_TABLE): AtrMatch {
  const formatted = formatAtr(atr);
  const hit = table.find((entry) => matches(entry.pattern, formatted));
  return hit ? { family: hit.family, name: hit.name } : { family: 'unknown', name: UNKNOWN_CARD_NAME };
}
