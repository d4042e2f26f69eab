import { beforeAll, describe, expect, it } from 'vitest';
import { LAB_CARD_IDS, LAB_VALID_AT, loadCardLab, type CardLabPki, type UziOtherNameSpec } from '../../../test/card-lab/pki';
import { UziError, type UziErrorCode } from './errors';
import { certificateUsage, keyBits, parseUziCertificate, parseUziOtherNameValue, requireAuthenticationCertificate, validityAt } from './uzi-parser';
import { roleLabel } from './uzi-roles';

let pki: CardLabPki;
beforeAll(async () => {
  pki = await loadCardLab();
}, 120_000);

/** The real TEST example value published with the UZI-register test set (uzi-domain.md). */
const REAL_TEST_EXAMPLE = '2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-00000000';

function codeOf(fn: () => unknown): UziErrorCode | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (err) {
    if (err instanceof UziError) return err.code;
    throw err;
  }
}

/** A certificate like Z-huisarts's authentication certificate, with another otherName. */
async function certWith(uzi: UziOtherNameSpec | null, extra: { usage?: 'authentication' | 'server'; commonName?: string } = {}): Promise<Buffer> {
  return pki.issueHolderCertificate({
    ca: 'zorgverlener',
    spkiDer: pki.cards['Z-huisarts'].auth!.spkiDer,
    usage: extra.usage ?? 'authentication',
    uzi,
    holder: { organisation: 'TEST Huisartsenpraktijk De Linde', title: 'Arts', surname: 'Test', givenName: 'Theo', serialNumber: '900016528', commonName: extra.commonName ?? 'Theo Test' },
  });
}

describe('UZI otherName value', () => {
  it('parses the real TEST example to exactly its seven fields', () => {
    expect(parseUziOtherNameValue(REAL_TEST_EXAMPLE)).toEqual({
      oidCa: '2.16.528.1.1007.99.217',
      version: '1',
      uziNumber: '900016528',
      cardType: 'Z',
      ura: '90000382',
      roleCode: '01.000',
      agb: '00000000',
    });
  });

  it('refuses each malformed field with its own code', () => {
    const cases: [string, UziErrorCode][] = [
      ['2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000', 'ERR_CERT_UZI_FIELD_COUNT'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-00000000-x', 'ERR_CERT_UZI_FIELD_COUNT'],
      ['2.16.528.1.1007.99.217-2-900016528-Z-90000382-01.000-00000000', 'ERR_CERT_UZI_VERSION'],
      ['2.16.528.1.1007.99.999-1-900016528-Z-90000382-01.000-00000000', 'ERR_CERT_UZI_OID_CA_UNKNOWN'],
      ['2.16.528.1.1007.99.217-1-90001652X-Z-90000382-01.000-00000000', 'ERR_CERT_UZI_NUMBER_INVALID'],
      ['2.16.528.1.1007.99.217-1-1234567-Z-90000382-01.000-00000000', 'ERR_CERT_UZI_NUMBER_INVALID'],
      ['2.16.528.1.1007.99.217-1-1234567890-Z-90000382-01.000-00000000', 'ERR_CERT_UZI_NUMBER_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-X-90000382-01.000-00000000', 'ERR_CERT_UZI_CARD_TYPE_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-z-90000382-01.000-00000000', 'ERR_CERT_UZI_CARD_TYPE_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-9000038-01.000-00000000', 'ERR_CERT_UZI_URA_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-900003820-01.000-00000000', 'ERR_CERT_UZI_URA_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-90000382-01000-00000000', 'ERR_CERT_UZI_ROLE_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-90000382-1.015-00000000', 'ERR_CERT_UZI_ROLE_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-0000000', 'ERR_CERT_UZI_AGB_INVALID'],
      ['2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-0000000A', 'ERR_CERT_UZI_AGB_INVALID'],
    ];
    for (const [value, code] of cases) expect(codeOf(() => parseUziOtherNameValue(value)), value).toBe(code);
  });

  it('accepts 8- and 9-digit UZI numbers and every production OID-CA', () => {
    expect(parseUziOtherNameValue('2.16.528.1.1007.99.217-1-12345678-Z-90000382-01.000-00000000').uziNumber).toBe('12345678');
    for (const oid of ['2.16.528.1.1003.1.3.5.5.2', '2.16.528.1.1003.1.3.5.5.3', '2.16.528.1.1003.1.3.5.5.4', '2.16.528.1.1003.1.3.5.5.5']) {
      expect(parseUziOtherNameValue(`${oid}-1-900016528-N-90000382-00.000-00000000`).oidCa).toBe(oid);
    }
  });
});

describe('parseUziCertificate', () => {
  it('reads the real TEST example from a certificate', async () => {
    const holder = parseUziCertificate(await certWith({ value: REAL_TEST_EXAMPLE }));
    expect(holder).toMatchObject({
      uziNumber: '900016528',
      cardType: 'Z',
      roleCode: '01.000',
      roleLabel: 'Arts',
      ura: '90000382',
      agb: '00000000',
      oidCa: '2.16.528.1.1007.99.217',
      version: '1',
      givenName: 'Theo',
      surname: 'Test',
      commonName: 'Theo Test',
      organisation: 'TEST Huisartsenpraktijk De Linde',
      subjectSerialNumber: '900016528',
    });
  });

  it('reads every well-formed lab card exactly as the lab says', () => {
    for (const id of LAB_CARD_IDS) {
      const card = pki.cards[id];
      if (!card.auth || card.expectedError.parse) continue;
      expect(parseUziCertificate(card.auth.certDer), id).toEqual(card.expected);
      // The signing and encryption certificates carry the same otherName.
      for (const k of [card.sign, card.enc]) if (k) expect(parseUziCertificate(k.certDer).uziNumber).toBe(card.expected.uziNumber);
    }
    expect(pki.cards['Z-huisarts'].expected).toMatchObject({ roleLabel: 'Huisarts', cardType: 'Z', notBefore: '2026-01-01T00:00:00.000Z' });
    expect(parseUziCertificate(pki.cards['M-balie'].auth!.certDer)).toMatchObject({ cardType: 'M', givenName: null, surname: null });
  });

  it('refuses the malformed-otherName card with its own code', () => {
    const card = pki.cards['Z-malformed-othername'];
    expect(card.expectedError.parse).toBe('ERR_CERT_UZI_FIELD_COUNT');
    expect(codeOf(() => parseUziCertificate(card.auth!.certDer))).toBe('ERR_CERT_UZI_FIELD_COUNT');
  });

  it('refuses an otherName value in a UTF8String', async () => {
    expect(codeOf(() => parseUziCertificate(Buffer.alloc(0)))).toBe('ERR_CERT_MALFORMED');
    const der = await certWith({ value: REAL_TEST_EXAMPLE, encoding: 'utf8' });
    expect(codeOf(() => parseUziCertificate(der))).toBe('ERR_CERT_UZI_VALUE_NOT_IA5');
  });

  it('refuses versie 2 and an unknown OID-CA in a certificate', async () => {
    const v2 = await certWith({ value: '2.16.528.1.1007.99.217-2-900016528-Z-90000382-01.000-00000000' });
    const unknownOid = await certWith({ value: '2.16.528.1.1007.99.218-1-900016528-Z-90000382-01.000-00000000' });
    expect(codeOf(() => parseUziCertificate(v2))).toBe('ERR_CERT_UZI_VERSION');
    expect(codeOf(() => parseUziCertificate(unknownOid))).toBe('ERR_CERT_UZI_OID_CA_UNKNOWN');
  });

  it('says "not an UZI certificate" for a certificate without the otherName, and for a CA certificate', async () => {
    const der = await certWith(null);
    expect(codeOf(() => parseUziCertificate(der))).toBe('ERR_CERT_NOT_UZI');
    expect(codeOf(() => parseUziCertificate(pki.root))).toBe('ERR_CERT_NOT_UZI');
  });

  it('refuses damaged DER', () => {
    const der = Buffer.from(pki.cards['Z-huisarts'].auth!.certDer);
    expect(codeOf(() => parseUziCertificate(der.subarray(0, der.length - 10)))).toBe('ERR_CERT_MALFORMED');
    expect(codeOf(() => parseUziCertificate(Buffer.concat([der, Buffer.from([0])])))).toBe('ERR_CERT_MALFORMED');
    expect(codeOf(() => parseUziCertificate(Buffer.from('not a certificate')))).toBe('ERR_CERT_MALFORMED');
  });

  it('parses a server certificate (pastype S)', async () => {
    const der = await certWith(
      { value: '2.16.528.1.1007.99.217-1-900030001-S-90000382-00.000-00000000' },
      { usage: 'server', commonName: 'portaal.linde.test' },
    );
    expect(parseUziCertificate(der)).toMatchObject({ cardType: 'S', uziNumber: '900030001', roleCode: '00.000', roleLabel: 'Medewerker', commonName: 'portaal.linde.test' });
  });
});

describe('role labels', () => {
  it('shows Dutch labels and falls back to the code', () => {
    expect(roleLabel('01.015')).toBe('Huisarts');
    expect(roleLabel('01.004')).toBe('Apotheekhoudend huisarts');
    expect(roleLabel('17.060')).toBe('Ziekenhuisapotheker');
    expect(roleLabel('01.000')).toBe('Arts');
    expect(roleLabel('30.000')).toBe('Verpleegkundige');
    expect(roleLabel('00.000')).toBe('Medewerker');
    expect(roleLabel('85.000')).toBe('Beroep artikel 34 Wet BIG');
    expect(roleLabel('01.999')).toBe('01.999');
    expect(roleLabel('55.000')).toBe('55.000');
  });
});

describe('certificate facts', () => {
  it('tells authentication, signing and encryption certificates apart by key usage', () => {
    const card = pki.cards['Z-huisarts'];
    expect(certificateUsage(card.auth!.certDer)).toBe('authentication');
    expect(certificateUsage(card.sign!.certDer)).toBe('signing');
    expect(certificateUsage(card.enc!.certDer)).toBe('encryption');
    expect(certificateUsage(pki.root)).toBe('unknown');
  });

  it('allows only the authentication certificate for challenges, never the non-repudiation one', () => {
    const card = pki.cards['Z-huisarts'];
    expect(codeOf(() => requireAuthenticationCertificate(card.auth!.certDer))).toBe('no error');
    expect(codeOf(() => requireAuthenticationCertificate(card.sign!.certDer))).toBe('ERR_CERT_KEY_USAGE');
    expect(codeOf(() => requireAuthenticationCertificate(card.enc!.certDer))).toBe('ERR_CERT_KEY_USAGE');
  });

  it('reports the key size', () => {
    expect(keyBits(pki.cards['Z-huisarts'].auth!.certDer)).toBe(2048);
    expect(keyBits(pki.cards['Z-4096'].auth!.certDer)).toBe(4096);
    expect(keyBits(pki.root)).toBe(4096);
  });

  it('tells valid, expired and not-yet-valid apart at a given moment', () => {
    expect(validityAt(pki.cards['Z-huisarts'].auth!.certDer, LAB_VALID_AT)).toBe('valid');
    expect(validityAt(pki.cards['Z-expired'].auth!.certDer, LAB_VALID_AT)).toBe('expired');
    expect(validityAt(pki.cards['Z-not-yet-valid'].auth!.certDer, LAB_VALID_AT)).toBe('not-yet-valid');
    expect(validityAt(pki.cards['Z-huisarts'].auth!.certDer, new Date('2029-01-01T00:00:00Z'))).toBe('valid');
    expect(validityAt(pki.cards['Z-huisarts'].auth!.certDer, new Date('2029-01-01T00:00:01Z'))).toBe('expired');
  });
});
