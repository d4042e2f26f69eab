// The cards behind the demo. The card lab's TEST PKI (test/card-lab/pki) is the real source: its
// certificates are parsed by the product's own UZI parser. Until that PKI (or the parser) is present —
// and in a packaged app, where test/ is absent — a placeholder set with the same holders is used.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { DemoCardKey } from '../../../shared/contract';
import type { UziHolder } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { ZORGID_SMARTCARD_LAB_ATR } from '../card/atr-table';
import type { DemoCard } from './demo-card-service';

/** The UZI-pas ATR the card lab presents (uzi-domain.md). */
export const UZI_ATR = '3B FD 18 00 FF 81 31 FE 45 43 49 42 47 55 5A 49 4A 32 41 30 38 31 58';
/** A card the ATR table does not know (a generic contact memory card). */
export const UNKNOWN_ATR = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A';
export const DEMO_PIN = '123456';

const DAY = 86_400_000;

interface HolderSeed {
  key: DemoCardKey;
  /** UZI_ATR unless said otherwise. */
  atr?: string;
  holder: Omit<UziHolder, 'notBefore' | 'notAfter'>;
  /** Validity relative to "now" in days. */
  from: number;
  to: number;
}

const TEST_OID_CA = '2.16.528.1.1007.99.217';

// Mirrors the card lab's Z-huisarts, N-medewerker, M-balie, Z-expired and Z-not-yet-valid
// (test/card-lab/pki/cards.ts), so the demo looks the same with or without the PKI.
const linde = 'TEST Huisartsenpraktijk De Linde';
const zorgverlener = {
  uziNumber: '900016528',
  cardType: 'Z',
  roleCode: '01.015',
  roleLabel: 'Huisarts',
  ura: '90000382',
  agb: '01001234',
  oidCa: TEST_OID_CA,
  version: '1',
  givenName: 'Anna Maria',
  surname: 'de Vries',
  commonName: 'Anna Maria de Vries',
  organisation: linde,
  subjectSerialNumber: '900016528',
} as const satisfies Omit<UziHolder, 'notBefore' | 'notAfter'>;

const person = (uziNumber: string, givenName: string, surname: string) => ({
  uziNumber,
  subjectSerialNumber: uziNumber,
  givenName,
  surname,
  commonName: `${givenName} ${surname}`,
});

const SEEDS: HolderSeed[] = [
  { key: 'Z', holder: zorgverlener, from: -365, to: 730 },
  {
    key: 'N',
    holder: { ...zorgverlener, ...person('900016529', 'Sanne', 'Jansen'), cardType: 'N', roleCode: '00.000', roleLabel: 'Medewerker', agb: '00000000' },
    from: -365,
    to: 730,
  },
  {
    key: 'M',
    holder: {
      ...zorgverlener,
      uziNumber: '900016531',
      subjectSerialNumber: '900016531',
      cardType: 'M',
      roleCode: '00.000',
      roleLabel: 'Medewerker',
      agb: '00000000',
      givenName: null,
      surname: null,
      commonName: 'Balie Huisartsenpraktijk De Linde',
    },
    from: -365,
    to: 730,
  },
  { key: 'Z-expired', holder: { ...zorgverlener, ...person('900016532', 'Kees', 'Visser'), agb: '00000000' }, from: -1125, to: -30 },
  { key: 'Z-not-yet-valid', holder: { ...zorgverlener, ...person('900016533', 'Lotte', 'Smit'), agb: '00000000' }, from: 30, to: 1125 },
  // The lab's SC-employee: a created ZORG-ID Smartcard carries the UZI fields of the employee's N card.
  {
    key: 'SC',
    atr: ZORGID_SMARTCARD_LAB_ATR,
    holder: { ...zorgverlener, ...person('900016529', 'Sanne', 'Jansen'), cardType: 'N', roleCode: '00.000', roleLabel: 'Medewerker', agb: '00000000' },
    from: -270,
    to: 825,
  },
];

const isSmartcardKey = (key: DemoCardKey): boolean => key === 'SC' || key === 'SC-blank';

/**
 * What a real ZORG-ID Smartcard token shows: its own label, and — when blank — the holder error the
 * card backend's read() gives a token without an authentication certificate.
 */
export function asZorgidSmartcard(card: DemoCard): DemoCard {
  if (!isSmartcardKey(card.key)) return card;
  const blank = card.certificates.length === 0;
  return {
    ...card,
    tokenLabel: blank ? 'ZORG-ID Smartcard' : `ZORG-ID Smartcard ${card.holder?.uziNumber ?? ''}`.trim(),
    holderError: blank ? new AppError('ERR_CARD_NO_AUTH_CERTIFICATE').toJSON() : card.holderError,
  };
}

/** A blank ZORG-ID Smartcard: the lab's ATR, an initialised token with nothing on it (SC-blank). */
export function blankSmartcardDemoCard(): DemoCard {
  return asZorgidSmartcard({ ...unknownDemoCard(), key: 'SC-blank', atr: ZORGID_SMARTCARD_LAB_ATR, tokenSerial: 'DEMOSC000000BLNK' });
}

/**
 * Placeholder cards: real RSA keys (so signing is real), holders as the card lab issues them, but no
 * certificate bytes. One key for all, generated once: they are demo cards, not a PKI.
 */
let placeholderKey: KeyObject | null = null;

/** A card whose ATR the table does not know and whose token holds nothing (both demo card sets). */
export function unknownDemoCard(): DemoCard {
  return {
    key: 'unknown',
    atr: UNKNOWN_ATR,
    tokenLabel: '',
    tokenSerial: '',
    certificates: [],
    authCertificateId: null,
    holder: null,
    holderError: null,
    keys: new Map(),
    pin: DEMO_PIN,
  };
}

export function placeholderDemoCards(now: number): DemoCard[] {
  placeholderKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const privateKey = placeholderKey;
  const cards: DemoCard[] = SEEDS.map((seed, i): DemoCard => ({
    key: seed.key,
    atr: seed.atr ?? UZI_ATR,
    tokenLabel: `UZI-pas ${seed.holder.uziNumber}`,
    tokenSerial: `DEMO${String(i + 1).padStart(8, '0')}`,
    // No DER without the card lab: the summary says what the certificate is, the bytes are absent.
    certificates: [{ id: '01', label: 'Authenticatie', der: '', usage: 'authentication', keyBits: 2048 }],
    authCertificateId: '01',
    holder: {
      ...seed.holder,
      notBefore: new Date(now + seed.from * DAY).toISOString(),
      notAfter: new Date(now + seed.to * DAY).toISOString(),
    },
    holderError: null,
    keys: new Map<string, KeyObject>([['01', privateKey]]),
    pin: DEMO_PIN,
  })).map(asZorgidSmartcard);
  cards.push(unknownDemoCard(), blankSmartcardDemoCard());
  return cards;
}
