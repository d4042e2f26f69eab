import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB_CARD_IDS, LAB_VALID_AT, loadCardLab, type CardLabPki, type LabCardId } from '../../../test/card-lab/pki';
import { caName, importSigningKey, issueCertificate } from '../../../test/card-lab/pki/issue';
import { BasicConstraintsExtension } from '@peculiar/x509';
import { OUTER_SIGNATURE_ALGORITHM, reencode } from '../../../test/fuzz/der-mutations';
import { verifyChain, type VerifyChainResult } from './chain';

let pki: CardLabPki;
let crl: Buffer;
beforeAll(async () => {
  pki = await loadCardLab();
  crl = await pki.crl();
}, 120_000);

const codeOf = (r: VerifyChainResult) => (r.valid ? 'valid' : r.code);

function verifyCard(id: LabCardId, extra: { at?: Date; crls?: Buffer[]; anchors?: Buffer[] } = {}) {
  const card = pki.cards[id];
  return verifyChain({
    leaf: card.auth!.certDer,
    intermediates: pki.intermediates,
    anchors: extra.anchors ?? [pki.root],
    at: extra.at ?? LAB_VALID_AT,
    crls: extra.crls ?? [crl],
  });
}

describe('verifyChain', () => {
  it('accepts the valid lab cards up to the TEST root, leaf first and root last', async () => {
    for (const id of ['Z-huisarts', 'Z-4096', 'N-medewerker', 'M-balie', 'Z-unknown-ura', 'SC-employee'] as const) {
      const r = await verifyCard(id);
      expect(codeOf(r), id).toBe('valid');
      if (r.valid) {
        expect(r.path[0]!.equals(pki.cards[id].auth!.certDer)).toBe(true);
        expect(r.path.slice(1)).toEqual(pki.cards[id].chain);
      }
    }
  });

  it('refuses every bad-card fixture with the code the lab expects', async () => {
    for (const id of LAB_CARD_IDS) {
      const expected = pki.cards[id].expectedError.chain;
      if (!expected) continue;
      expect(codeOf(await verifyCard(id)), id).toBe(expected);
    }
    expect(codeOf(await verifyCard('Z-expired'))).toBe('ERR_CERT_EXPIRED');
    expect(codeOf(await verifyCard('Z-not-yet-valid'))).toBe('ERR_CERT_NOT_YET_VALID');
    expect(codeOf(await verifyCard('Z-revoked'))).toBe('ERR_CERT_REVOKED');
    expect(codeOf(await verifyCard('Z-unknown-ca'))).toBe('ERR_CERT_UNKNOWN_CA');
  });

  it('checks validity at the moment asked, for the CA certificates too', async () => {
    expect(codeOf(await verifyCard('Z-expired', { at: new Date('2022-06-01T00:00:00Z') }))).toBe('valid');
    expect(codeOf(await verifyCard('Z-huisarts', { at: new Date('2025-12-31T23:59:59Z') }))).toBe('ERR_CERT_NOT_YET_VALID');
    expect(codeOf(await verifyCard('Z-huisarts', { at: new Date('2029-01-01T00:00:01Z') }))).toBe('ERR_CERT_EXPIRED');
    // A holder certificate that outlives its CA: the CA's own period decides.
    const long = await pki.issueHolderCertificate({
      ca: 'zorgverlener', spkiDer: pki.cards['Z-huisarts'].auth!.spkiDer, usage: 'authentication', uzi: null,
      holder: { organisation: 'TEST', commonName: 'Lang Geldig' }, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z'),
    });
    const at = (iso: string) => verifyChain({ leaf: long, intermediates: pki.intermediates, anchors: [pki.root], at: new Date(iso) });
    expect(codeOf(await at('2026-06-01T00:00:00Z'))).toBe('valid');
    const early = await at('2020-03-01T00:00:00Z');
    expect(codeOf(early)).toBe('ERR_CERT_NOT_YET_VALID');
    expect(!early.valid && String(early.detail?.subject)).toContain('TEST UZI-register Zorgverlener CA G3');
    const late = await at('2039-01-01T00:00:00Z');
    expect(codeOf(late)).toBe('ERR_CERT_EXPIRED');
    expect(!late.valid && String(late.detail?.subject)).toContain('TEST UZI-register Zorgverlener CA G3');
  });

  it('only revokes with a CRL signed by the issuer, from the revocation date on', async () => {
    expect(codeOf(await verifyCard('Z-revoked', { crls: [] }))).toBe('valid');
    expect(codeOf(await verifyCard('Z-revoked', { crls: [await pki.crl([])] }))).toBe('valid');
    expect(codeOf(await verifyCard('Z-revoked', { crls: [await pki.crl(undefined, new Date('2026-08-01T00:00:00Z'))] }))).toBe('valid');
    // A CRL with the Zorgverlener CA's name but a broken signature proves nothing either way.
    const forged = Buffer.from(crl);
    forged[forged.length - 5]! ^= 0xff;
    expect(codeOf(await verifyCard('Z-revoked', { crls: [forged] }))).toBe('ERR_CERT_REVOCATION_UNKNOWN');
    // A stale CRL (nextUpdate 2026-01-01 passed) is not used, even though it lists the card.
    const stale = await pki.crl(undefined, new Date('2016-01-01T00:00:00Z'));
    expect(codeOf(await verifyCard('Z-revoked', { crls: [stale] }))).toBe('ERR_CERT_REVOCATION_UNKNOWN');
    expect(codeOf(await verifyCard('Z-revoked', { crls: [stale, crl] }))).toBe('ERR_CERT_REVOKED');
    const required = await verifyChain({ leaf: pki.cards['Z-huisarts'].auth!.certDer, intermediates: pki.intermediates, anchors: [pki.root], at: LAB_VALID_AT, crls: [], requireCrl: true });
    expect(codeOf(required)).toBe('ERR_CERT_REVOCATION_UNKNOWN');
  });

  it('refuses a certificate whose signature does not verify', async () => {
    const tampered = Buffer.from(pki.cards['Z-huisarts'].auth!.certDer);
    tampered[tampered.length - 3]! ^= 0x01;
    expect(codeOf(await verifyChain({ leaf: tampered, intermediates: pki.intermediates, anchors: [pki.root], at: LAB_VALID_AT }))).toBe('ERR_CERT_CHAIN_INVALID');
  });

  it('knows only the anchors it is given', async () => {
    expect(codeOf(await verifyCard('Z-huisarts', { anchors: [pki.unknownRoot] }))).toBe('ERR_CERT_UNKNOWN_CA');
    expect(codeOf(await verifyCard('Z-unknown-ca', { anchors: [pki.unknownRoot] }))).toBe('valid');
    // The root passed as an intermediate is not trusted.
    expect(codeOf(await verifyChain({ leaf: pki.cards['Z-huisarts'].auth!.certDer, intermediates: [...pki.intermediates, pki.root], anchors: [], at: LAB_VALID_AT }))).toBe('ERR_CERT_UNKNOWN_CA');
    // Missing intermediate.
    expect(codeOf(await verifyChain({ leaf: pki.cards['Z-huisarts'].auth!.certDer, intermediates: [pki.cards['Z-huisarts'].chain[0]!], anchors: [pki.root], at: LAB_VALID_AT }))).toBe('ERR_CERT_UNKNOWN_CA');
    // An intermediate may be the anchor (pinned issuing CA).
    expect(codeOf(await verifyChain({ leaf: pki.cards['Z-huisarts'].auth!.certDer, intermediates: [], anchors: [pki.cards['Z-huisarts'].chain[0]!], at: LAB_VALID_AT }))).toBe('valid');
  });

  it('refuses a path through a certificate that is not a CA', async () => {
    // An end-entity certificate without keyUsage (so name and key matching alone would accept it)
    // used to sign another certificate.
    const zorgverlener = pki.cas.zorgverlener;
    const middle = pki.deriveKey('not-a-ca');
    const leafKey = pki.deriveKey('below-not-a-ca');
    const issuerOf = async (name: string, pkcs8: Buffer, spki: Buffer) => ({ name: caName(name), spkiDer: spki, signingKey: await importSigningKey(pkcs8) });
    const middleCert = await issueCertificate({
      issuer: await issuerOf(zorgverlener.commonName, zorgverlener.keyPkcs8Der, zorgverlener.spkiDer),
      subject: caName('Not A CA'), subjectSpkiDer: middle.spkiDer, serialHex: '0a01',
      notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2029-01-01T00:00:00Z'),
      extensions: [new BasicConstraintsExtension(false, undefined, true)],
    });
    const leaf = await issueCertificate({
      issuer: await issuerOf('Not A CA', middle.keyPkcs8Der, middle.spkiDer),
      subject: caName('Below Not A CA'), subjectSpkiDer: leafKey.spkiDer, serialHex: '0a02',
      notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2029-01-01T00:00:00Z'), extensions: [],
    });
    const r = await verifyChain({ leaf, intermediates: [middleCert, ...pki.intermediates], anchors: [pki.root], at: LAB_VALID_AT });
    expect(codeOf(r)).toBe('ERR_CERT_CHAIN_INVALID');
    expect(!r.valid && r.detail?.reason).toBe('issuer is not a CA');
  });

  it('agrees with openssl verify on the lab files', () => {
    const p = pki.paths;
    const run = (card: LabCardId, crlCheck: boolean) => {
      try {
        execFileSync('openssl', ['verify', ...(crlCheck ? ['-crl_check', '-CRLfile', `${p.crl.zorgverlener}.pem`] : []), '-attime', String(LAB_VALID_AT.getTime() / 1000), '-CAfile', p.root, '-untrusted', p.cards[card].chainPem, p.cards[card].auth!.certPem], { stdio: 'pipe' });
        return 'valid';
      } catch {
        return 'invalid';
      }
    };
    expect(run('Z-huisarts', true)).toBe('valid');
    expect(run('Z-revoked', true)).toBe('invalid');
    expect(run('Z-expired', false)).toBe('invalid');
  });

  it('ERR_CERT_NOT_DER: refuses a leaf re-encoded with indefinite or non-minimal lengths, signature intact (issue 15)', async () => {
    const der = new Uint8Array(pki.cards['Z-huisarts'].auth!.certDer);
    const chainOf = (leaf: Uint8Array) => verifyChain({ leaf, intermediates: pki.intermediates, anchors: [pki.root], at: LAB_VALID_AT, crls: [crl] });
    expect(codeOf(await chainOf(der))).toBe('valid');
    expect(codeOf(await chainOf(reencode(der, OUTER_SIGNATURE_ALGORITHM, 'indefinite')))).toBe('ERR_CERT_NOT_DER');
    expect(codeOf(await chainOf(reencode(der, OUTER_SIGNATURE_ALGORITHM, 'non-minimal')))).toBe('ERR_CERT_NOT_DER');
    expect(codeOf(await chainOf(reencode(der, [0], 'non-minimal')))).toBe('ERR_CERT_NOT_DER');
  });

  it('refuses a re-encoded intermediate or anchor instead of trusting it', async () => {
    const ber = pki.intermediates.map((d) => Buffer.from(reencode(new Uint8Array(d), OUTER_SIGNATURE_ALGORITHM, 'indefinite')));
    const leaf = pki.cards['Z-huisarts'].auth!.certDer;
    expect(codeOf(await verifyChain({ leaf, intermediates: ber, anchors: [pki.root], at: LAB_VALID_AT }))).toBe('ERR_CERT_NOT_DER');
    const root = Buffer.from(reencode(new Uint8Array(pki.root), OUTER_SIGNATURE_ALGORITHM, 'non-minimal'));
    expect(codeOf(await verifyChain({ leaf, intermediates: pki.intermediates, anchors: [root], at: LAB_VALID_AT }))).toBe('ERR_CERT_NOT_DER');
  });
});
