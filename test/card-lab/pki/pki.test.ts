import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED, ISSUING_CAS, LAB_CARD_IDS, LAB_VALID_AT, cardLabPaths, keyCacheFile, lastLoad, loadCardLab, type CardLabPki, type LabKey } from './index';
import { deterministicRsaKey } from './rsa';

let pki: CardLabPki;
beforeAll(async () => {
  pki = await loadCardLab();
}, 120_000);

describe('card lab TEST PKI', () => {
  it('builds the TEST hierarchy of uzi-domain.md', () => {
    const z = new X509Certificate(pki.cards['Z-huisarts'].auth!.certDer);
    const [issuer, persoon, root] = pki.cards['Z-huisarts'].chain.map((c) => new X509Certificate(c));
    expect(z.issuer).toContain('CN=TEST UZI-register Zorgverlener CA G3');
    expect(issuer!.subject).toContain('CN=TEST UZI-register Zorgverlener CA G3');
    expect(persoon!.subject).toContain('CN=TEST Zorg CSP Level 2 Persoon CA G3');
    expect(root!.subject).toContain('CN=TEST Zorg CSP Root CA G3');
    expect(z.checkIssued(issuer!)).toBe(true);
    expect(z.verify(issuer!.publicKey)).toBe(true);
    expect(issuer!.verify(persoon!.publicKey)).toBe(true);
    expect(persoon!.verify(root!.publicKey)).toBe(true);
    expect(root!.verify(root!.publicKey)).toBe(true);
    expect(new X509Certificate(pki.cards['N-medewerker'].chain[0]!).subject).toContain('Medewerker op naam CA G3');
    expect(new X509Certificate(pki.cards['M-balie'].chain[0]!).subject).toContain('Medewerker niet op naam CA G3');
    expect(new X509Certificate(pki.cards['SC-employee'].chain[0]!).subject).toContain('TEST ZORG-ID Smartcard CA');
    expect(new X509Certificate(pki.cards['Z-unknown-ca'].chain[0]!).subject).toContain('Unknown Root CA');
  });

  it('gives every key its own RSA key pair that matches its certificate, CKA_IDs 01/02/03', () => {
    for (const id of LAB_CARD_IDS) {
      const card = pki.cards[id];
      for (const role of ['auth', 'sign', 'enc'] as const) {
        const k = card[role];
        if (!k) continue;
        const cert = new X509Certificate(k.certDer);
        const priv = createPrivateKey({ key: k.keyPkcs8Der, format: 'der', type: 'pkcs8' });
        expect(createPublicKey(priv).export({ format: 'der', type: 'spki' }).equals(cert.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
        expect(k.id).toBe({ auth: '01', sign: '02', enc: '03' }[role]);
        const sig = sign('sha256', Buffer.from('challenge'), priv);
        expect(verify('sha256', Buffer.from('challenge'), cert.publicKey, sig)).toBe(true);
      }
    }
    expect(pki.cards['Z-4096'].auth!.bits).toBe(4096);
    expect(new X509Certificate(pki.cards['Z-4096'].auth!.certDer).publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(pki.cards['Z-huisarts'].auth!.bits).toBe(2048);
    const sets = LAB_CARD_IDS.flatMap((id) => (['auth', 'sign', 'enc'] as const).flatMap((r) => pki.cards[id][r]?.spkiDer.toString('hex') ?? []));
    expect(new Set(sets).size).toBe(sets.length);
    expect(pki.cards['SC-blank'].auth).toBeNull();
    expect(pki.cards['M-balie'].sign).toBeUndefined();
  });

  it('puts the otherName, UPN and validity per card', () => {
    const auth = new X509Certificate(pki.cards['Z-huisarts'].auth!.certDer);
    expect(auth.subjectAltName).toContain('900016528@90000382');
    expect(pki.cards['Z-huisarts'].otherName).toBe('2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.015-01001234');
    expect(pki.cards['Z-malformed-othername'].otherName!.split('-')).toHaveLength(6);
    const expired = new X509Certificate(pki.cards['Z-expired'].auth!.certDer);
    expect(new Date(expired.validTo) < LAB_VALID_AT).toBe(true);
    const future = new X509Certificate(pki.cards['Z-not-yet-valid'].auth!.certDer);
    expect(new Date(future.validFrom) > LAB_VALID_AT).toBe(true);
  });

  it('publishes a CRL of the Zorgverlener CA listing the revoked card', async () => {
    const crl = await pki.crl();
    expect(crl.equals(readFileSync(pki.paths.crl.zorgverlener))).toBe(true);
    for (const serial of pki.revokedSerials) expect(crl.includes(Buffer.from(serial, 'hex'))).toBe(true);
    expect(pki.revokedSerials).toContain(pki.cards['Z-revoked'].auth!.serialHex);
    const empty = await pki.crl([]);
    expect(empty.includes(Buffer.from(pki.revokedSerials[0]!, 'hex'))).toBe(false);
  });

  it('writes every certificate, key and CRL to files', () => {
    const paths = cardLabPaths();
    expect(paths).toEqual(pki.paths);
    for (const f of [paths.root, paths.ca.zorgverlener.certPem, paths.crl.zorgverlener, paths.cards['Z-huisarts'].auth!.keyPem, paths.cards['Z-huisarts'].chainPem]) {
      expect(existsSync(f), f).toBe(true);
    }
    expect(readFileSync(paths.cards['Z-huisarts'].auth!.certDer).equals(pki.cards['Z-huisarts'].auth!.certDer)).toBe(true);
    expect(readFileSync(paths.cards['Z-huisarts'].auth!.certPem, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('loads from the cache in well under 200 ms', async () => {
    await loadCardLab({ reuse: false });
    expect(lastLoad.fromCache).toBe(true);
    expect(lastLoad.ms).toBeLessThan(200);
  });

  it('derives keys from the seed only', () => {
    expect(deterministicRsaKey('a', 2048).pkcs8Der.equals(deterministicRsaKey('a', 2048).pkcs8Der)).toBe(true);
    expect(deterministicRsaKey('a', 2048).spkiDer.equals(deterministicRsaKey('b', 2048).spkiDer)).toBe(false);
    expect(pki.deriveKey('x').spkiDer.equals(pki.deriveKey('x').spkiDer)).toBe(true);
    // Keys found again from scratch equal the (cached) lab keys: `<seed>/<label>` is all that goes in.
    expect(deterministicRsaKey(`${DEFAULT_SEED}/ca/root`, 4096).pkcs8Der.equals(pki.cas.root.keyPkcs8Der)).toBe(true);
    expect(deterministicRsaKey(`${DEFAULT_SEED}/card/Z-huisarts/auth`, 2048).pkcs8Der.equals(pki.cards['Z-huisarts'].auth!.keyPkcs8Der)).toBe(true);
  }, 60_000);

  it('regenerates byte-identical certificates, keys and CRLs from the same seed', async () => {
    // The prime search (15-30 s) is proven deterministic above; here the lab is rebuilt in an empty
    // folder from the same keys, so every certificate, chain and CRL must come out byte for byte.
    const dir = mkdtempSync(join(tmpdir(), 'card-lab-'));
    try {
      const target = keyCacheFile(cardLabPaths({ cacheDir: dir }));
      mkdirSync(dirname(target));
      copyFileSync(keyCacheFile(pki.paths), target);
      const again = await loadCardLab({ cacheDir: dir });
      expect(lastLoad.fromCache).toBe(false);
      const bytes = (k: LabKey | null | undefined) => (k ? Buffer.concat([k.certDer, k.keyPkcs8Der]).toString('hex') : null);
      for (const id of LAB_CARD_IDS) {
        for (const role of ['auth', 'sign', 'enc'] as const) expect(bytes(again.cards[id][role]), `${id} ${role}`).toBe(bytes(pki.cards[id][role]));
        expect(Buffer.concat(again.cards[id].chain).equals(Buffer.concat(pki.cards[id].chain))).toBe(true);
      }
      expect(again.root.equals(pki.root)).toBe(true);
      for (const ca of ISSUING_CAS) expect(readFileSync(again.paths.crl[ca]).equals(readFileSync(pki.paths.crl[ca])), ca).toBe(true);
      expect(readFileSync(again.paths.cards['Z-huisarts'].auth!.keyPem, 'utf8')).toBe(readFileSync(pki.paths.cards['Z-huisarts'].auth!.keyPem, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
