// The card lab's cast: CAs and cards as data. Everything the generator makes follows from this table
// and the seed. Names, UZI-nummers and URAs are fictional TEST values (9000xxxx, like the real TEST set).
import type { CardType, UziHolder } from '../../../src/shared/domain';
import type { ErrorCode } from '../../../src/shared/errors';
import { OID } from './issue';

export type LabCaId =
  | 'root'
  | 'persoon'
  | 'zorgverlener'
  | 'medewerker-op-naam'
  | 'medewerker-niet-op-naam'
  | 'smartcard'
  | 'unknown-root';

export interface CaDef {
  id: LabCaId;
  commonName: string;
  parent: LabCaId | null;
  notBefore: Date;
  notAfter: Date;
  /** Fake URL, never fetched: trust anchors and CRLs are configuration in this product. */
  crlUrl: string | null;
}

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

export const CA_DEFS: readonly CaDef[] = [
  { id: 'root', commonName: 'TEST Zorg CSP Root CA G3', parent: null, notBefore: d('2020-01-01'), notAfter: d('2045-01-01'), crlUrl: null },
  { id: 'persoon', commonName: 'TEST Zorg CSP Level 2 Persoon CA G3', parent: 'root', notBefore: d('2020-01-01'), notAfter: d('2040-01-01'), crlUrl: 'http://crl.card-lab.test/zorg-csp-root-ca-g3.crl' },
  { id: 'zorgverlener', commonName: 'TEST UZI-register Zorgverlener CA G3', parent: 'persoon', notBefore: d('2020-06-01'), notAfter: d('2038-01-01'), crlUrl: 'http://crl.card-lab.test/zorg-csp-level-2-persoon-ca-g3.crl' },
  { id: 'medewerker-op-naam', commonName: 'TEST UZI-register Medewerker op naam CA G3', parent: 'persoon', notBefore: d('2020-06-01'), notAfter: d('2038-01-01'), crlUrl: 'http://crl.card-lab.test/zorg-csp-level-2-persoon-ca-g3.crl' },
  { id: 'medewerker-niet-op-naam', commonName: 'TEST UZI-register Medewerker niet op naam CA G3', parent: 'persoon', notBefore: d('2020-06-01'), notAfter: d('2038-01-01'), crlUrl: 'http://crl.card-lab.test/zorg-csp-level-2-persoon-ca-g3.crl' },
  // Lab assumption: the ZORG-ID Smartcard CA hangs directly under the TEST root.
  { id: 'smartcard', commonName: 'TEST ZORG-ID Smartcard CA', parent: 'root', notBefore: d('2024-01-01'), notAfter: d('2036-01-01'), crlUrl: 'http://crl.card-lab.test/zorg-csp-root-ca-g3.crl' },
  { id: 'unknown-root', commonName: 'Unknown Root CA', parent: null, notBefore: d('2020-01-01'), notAfter: d('2045-01-01'), crlUrl: null },
];

/** The CA whose certificate revocation list the lab publishes per issuing CA. */
export const ISSUING_CAS = ['zorgverlener', 'medewerker-op-naam', 'medewerker-niet-op-naam', 'smartcard', 'unknown-root'] as const satisfies readonly LabCaId[];
export type IssuingCaId = (typeof ISSUING_CAS)[number];

export function crlUrlOf(ca: LabCaId): string {
  return `http://crl.card-lab.test/${ca}.crl`;
}

export const LAB_CARD_IDS = [
  'Z-huisarts',
  'Z-4096',
  'N-medewerker',
  'M-balie',
  'Z-expired',
  'Z-not-yet-valid',
  'Z-revoked',
  'Z-unknown-ca',
  'Z-malformed-othername',
  'Z-unknown-ura',
  'SC-employee',
  'SC-blank',
] as const;
export type LabCardId = (typeof LAB_CARD_IDS)[number];

/** ATR of a real UZI-pas (uzi-domain.md; historical bytes "CIBGUZIJ2A081"). */
export const UZI_ATR = '3B FD 18 00 FF 81 31 FE 45 43 49 42 47 55 5A 49 4A 32 41 30 38 31 58';
/**
 * LAB-ONLY ATR for the ZORG-ID Smartcard: the real card's ATR is not public. T=1 ATR whose
 * historical bytes spell "ZORG-ID-SC", with a correct TCK, so it parses like a real ATR.
 */
export const ZORGID_SMARTCARD_LAB_ATR = '3B 8A 80 01 5A 4F 52 47 2D 49 44 2D 53 43 16';

export type LabKeyRole = 'auth' | 'sign' | 'enc';

/** CKA_ID per key role; OpenSC's PIV driver maps slots 9A → 01, 9C → 02, 9D → 03. */
export const KEY_ROLES: Record<LabKeyRole, { ckaId: string; pivSlot: '9A' | '9C' | '9D'; usage: 'authentication' | 'signing' | 'encryption'; policy: string; label: string }> = {
  auth: { ckaId: '01', pivSlot: '9A', usage: 'authentication', policy: OID.testPolicyAuth, label: 'Authenticatiecertificaat' },
  sign: { ckaId: '02', pivSlot: '9C', usage: 'signing', policy: OID.testPolicySign, label: 'Handtekeningcertificaat' },
  enc: { ckaId: '03', pivSlot: '9D', usage: 'encryption', policy: OID.testPolicyEnc, label: 'Versleutelingscertificaat' },
};

export interface UziFields {
  oidCa: string;
  version: string;
  uziNumber: string;
  cardType: CardType;
  ura: string;
  roleCode: string;
  agb: string;
}

export function uziOtherNameValue(f: UziFields): string {
  return [f.oidCa, f.version, f.uziNumber, f.cardType, f.ura, f.roleCode, f.agb].join('-');
}

export interface CardDef {
  id: LabCardId;
  family: 'uzi' | 'zorgid-smartcard';
  cardType: CardType | null;
  atr: string;
  /** null: a blank card without certificates (SC-blank). */
  issuer: LabCaId | null;
  holder: { organisation: string; title: string | null; surname: string | null; givenName: string | null; commonName: string } | null;
  uzi: UziFields | null;
  /** Overrides the otherName value built from `uzi` (malformed card). */
  rawOtherName?: string;
  notBefore: Date;
  notAfter: Date;
  keys: LabKeyRole[];
  authBits: 2048 | 4096;
  roleLabel: string | null;
  /** What the product must say about this card's authentication certificate. */
  expectedError?: { parse?: ErrorCode; chain?: ErrorCode };
  note: string;
}

const VALID_FROM = d('2026-01-01');
const VALID_TO = d('2029-01-01');
const TEST_CA = OID.testOidCa;

const z = (uziNumber: string, ura: string, roleCode: string, agb: string): UziFields => ({
  oidCa: TEST_CA, version: '1', uziNumber, cardType: 'Z', ura, roleCode, agb,
});

const linde = 'TEST Huisartsenpraktijk De Linde';

export const CARD_DEFS: Record<LabCardId, CardDef> = {
  'Z-huisarts': {
    id: 'Z-huisarts', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    // UZI-nummer and URA from the real TEST example (uzi-domain.md); role 01.015 (huisarts) instead of
    // its 01.000 so the role label is meaningful; AGB filled in so a non-zero AGB is exercised.
    holder: { organisation: linde, title: 'Huisarts', surname: 'de Vries', givenName: 'Anna Maria', commonName: 'Anna Maria de Vries' },
    uzi: z('900016528', '90000382', '01.015', '01001234'),
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Huisarts',
    note: 'valid UZI-zorgverlenerspas, huisarts',
  },
  'Z-4096': {
    id: 'Z-4096', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    holder: { organisation: 'TEST Apotheek Centrum', title: 'Openbaar apotheker', surname: 'Bakker', givenName: 'Pieter', commonName: 'Pieter Bakker' },
    uzi: z('900016530', '90000383', '17.075', '00000000'),
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 4096, roleLabel: 'Openbaar apotheker',
    note: 'valid newer UZI-pas with an RSA-4096 authentication key (sign/enc keys stay 2048 to keep generation fast)',
  },
  'N-medewerker': {
    id: 'N-medewerker', family: 'uzi', cardType: 'N', atr: UZI_ATR, issuer: 'medewerker-op-naam',
    holder: { organisation: linde, title: 'Medewerker', surname: 'Jansen', givenName: 'Sanne', commonName: 'Sanne Jansen' },
    uzi: { oidCa: TEST_CA, version: '1', uziNumber: '900016529', cardType: 'N', ura: '90000382', roleCode: '00.000', agb: '00000000' },
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Medewerker',
    note: 'valid UZI-medewerkerpas op naam',
  },
  'M-balie': {
    id: 'M-balie', family: 'uzi', cardType: 'M', atr: UZI_ATR, issuer: 'medewerker-niet-op-naam',
    // A function, not a person: no SN/GN in the subject.
    holder: { organisation: linde, title: null, surname: null, givenName: null, commonName: 'Balie Huisartsenpraktijk De Linde' },
    uzi: { oidCa: TEST_CA, version: '1', uziNumber: '900016531', cardType: 'M', ura: '90000382', roleCode: '00.000', agb: '00000000' },
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'enc'], authBits: 2048, roleLabel: 'Medewerker',
    note: 'valid UZI-medewerkerpas niet op naam (refused for organisation validation)',
  },
  'Z-expired': {
    id: 'Z-expired', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    holder: { organisation: linde, title: 'Huisarts', surname: 'Visser', givenName: 'Kees', commonName: 'Kees Visser' },
    uzi: z('900016532', '90000382', '01.015', '00000000'),
    notBefore: d('2021-01-01'), notAfter: d('2024-01-01'), keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Huisarts',
    expectedError: { chain: 'ERR_CERT_EXPIRED' },
    note: 'expired 2024-01-01',
  },
  'Z-not-yet-valid': {
    id: 'Z-not-yet-valid', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    holder: { organisation: linde, title: 'Huisarts', surname: 'Smit', givenName: 'Lotte', commonName: 'Lotte Smit' },
    uzi: z('900016533', '90000382', '01.015', '00000000'),
    notBefore: d('2030-01-01'), notAfter: d('2033-01-01'), keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Huisarts',
    expectedError: { chain: 'ERR_CERT_NOT_YET_VALID' },
    note: 'valid from 2030-01-01',
  },
  'Z-revoked': {
    id: 'Z-revoked', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    holder: { organisation: linde, title: 'Huisarts', surname: 'Mulder', givenName: 'Johan', commonName: 'Johan Mulder' },
    uzi: z('900016534', '90000382', '01.015', '00000000'),
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Huisarts',
    expectedError: { chain: 'ERR_CERT_REVOKED' },
    note: 'all three certificates listed on the Zorgverlener CA CRL',
  },
  'Z-unknown-ca': {
    id: 'Z-unknown-ca', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'unknown-root',
    holder: { organisation: linde, title: 'Huisarts', surname: 'de Boer', givenName: 'Eva', commonName: 'Eva de Boer' },
    uzi: z('900016535', '90000382', '01.015', '00000000'),
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Huisarts',
    expectedError: { chain: 'ERR_CERT_UNKNOWN_CA' },
    note: 'well-formed UZI certificate issued by an unrelated root',
  },
  'Z-malformed-othername': {
    id: 'Z-malformed-othername', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    holder: { organisation: linde, title: 'Huisarts', surname: 'Dekker', givenName: 'Tom', commonName: 'Tom Dekker' },
    uzi: z('900016536', '90000382', '01.015', '00000000'),
    // Six fields: the AGB field is missing.
    rawOtherName: `${TEST_CA}-1-900016536-Z-90000382-01.015`,
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: null,
    expectedError: { parse: 'ERR_CERT_UZI_FIELD_COUNT' },
    note: 'otherName 2.5.5.5 with only 6 fields',
  },
  'Z-unknown-ura': {
    id: 'Z-unknown-ura', family: 'uzi', cardType: 'Z', atr: UZI_ATR, issuer: 'zorgverlener',
    holder: { organisation: 'TEST Praktijk Nergens', title: 'Huisarts', surname: 'Peeters', givenName: 'Ruben', commonName: 'Ruben Peeters' },
    uzi: z('900016537', '99999999', '01.015', '00000000'),
    notBefore: VALID_FROM, notAfter: VALID_TO, keys: ['auth', 'sign', 'enc'], authBits: 2048, roleLabel: 'Huisarts',
    note: 'valid certificate; URA 99999999 matches no registration (the portal refuses it, not the parser)',
  },
  'SC-employee': {
    id: 'SC-employee', family: 'zorgid-smartcard', cardType: 'N', atr: ZORGID_SMARTCARD_LAB_ATR, issuer: 'smartcard',
    // Lab assumption: a created ZORG-ID Smartcard carries the UZI otherName of the employee it replaces
    // the medewerkerpas op naam for (pastype N), issued by the ZORG-ID Smartcard CA.
    holder: { organisation: linde, title: 'Medewerker', surname: 'Jansen', givenName: 'Sanne', commonName: 'Sanne Jansen' },
    uzi: { oidCa: TEST_CA, version: '1', uziNumber: '900016529', cardType: 'N', ura: '90000382', roleCode: '00.000', agb: '00000000' },
    notBefore: d('2026-03-01'), notAfter: d('2029-03-01'), keys: ['auth', 'sign'], authBits: 2048, roleLabel: 'Medewerker',
    note: 'created ZORG-ID Smartcard (authentication + signing)',
  },
  'SC-blank': {
    id: 'SC-blank', family: 'zorgid-smartcard', cardType: null, atr: ZORGID_SMARTCARD_LAB_ATR, issuer: null,
    holder: null, uzi: null, notBefore: VALID_FROM, notAfter: VALID_TO, keys: [], authBits: 2048, roleLabel: null,
    note: 'blank ZORG-ID Smartcard, before creation: no keys, no certificates',
  },
};

/** The holder the product must read from a card's authentication certificate. */
export function expectedHolder(def: CardDef): Partial<UziHolder> {
  if (!def.uzi || !def.holder || def.rawOtherName !== undefined) return {};
  return {
    uziNumber: def.uzi.uziNumber,
    cardType: def.uzi.cardType,
    roleCode: def.uzi.roleCode,
    roleLabel: def.roleLabel ?? def.uzi.roleCode,
    ura: def.uzi.ura,
    agb: def.uzi.agb,
    oidCa: def.uzi.oidCa,
    version: def.uzi.version,
    givenName: def.holder.givenName,
    surname: def.holder.surname,
    commonName: def.holder.commonName,
    organisation: def.holder.organisation,
    subjectSerialNumber: def.uzi.uziNumber,
    notBefore: def.notBefore.toISOString(),
    notAfter: def.notAfter.toISOString(),
  };
}
