// The ZORG-ID Smartcard CA's CRL: a removed Smartcard's certificate is revoked for everybody, not only
// for this portal. Real portal over loopback, real SQLite, certificates issued by the portal's own
// Smartcard CA (the card lab's TEST ZORG-ID Smartcard CA) for keys made here, logins with real tokens.
import 'reflect-metadata';
import { createHash, generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffRequest } from '@zorgid/protocol';
import { parseUziCertificate } from '@zorgid/uzi';
import type { CardLabPki } from '../test/card-lab/pki';
import { createPortal, type Portal } from './server';
import { SMARTCARD_CRL_MAX_AGE_S, SMARTCARD_CRL_PATH, SMARTCARD_CRL_VALIDITY_MS } from './smartcard';
import { createSmartcardCa, type SmartcardCa } from './smartcard-ca';
import type { SmartcardRecord } from './store/store';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../test/card-lab/lab-tokens';
import { parseCertificate } from '@zorgid/validator';
import { createRevocationChecker } from '@zorgid/validator';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

interface IssuedCard {
  record: SmartcardRecord;
  certDer: Buffer;
  keyPkcs8Der: Buffer;
}

describe('the Smartcard CA’s CRL', () => {
  let pki: CardLabPki;
  let portal: Portal;
  let ca: SmartcardCa;
  let dir: string;
  const now = { value: LAB_VALID_AT.getTime() };
  let n = 0;

  /** A Smartcard as the certify + activate steps leave it: a key made here, the CA's certificate, active. */
  async function activeCard(uziNumber: string): Promise<IssuedCard> {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const holder = { ...parseUziCertificate(new Uint8Array(pki.cards['Z-huisarts'].auth!.certDer)), uziNumber };
    const serialHex = `4${++n}` + 'c'.repeat(30);
    const certDer = await ca.issue({ spkiDer: pair.publicKey.export({ type: 'spki', format: 'der' }), holder, serialHex, now: new Date(now.value) });
    const record: SmartcardRecord = {
      id: `sc-crl-${n}-${'A'.repeat(12)}`,
      uziNumber,
      ura: holder.ura,
      personId: null,
      name: holder.commonName ?? uziNumber,
      certSha256: createHash('sha256').update(certDer).digest('hex'),
      certDer: certDer.toString('base64'),
      serialHex,
      status: 'pending',
      activationChallenge: 'z'.repeat(43),
      createdAt: now.value,
      activatedAt: null,
      blockReason: null,
      blockedAt: null,
      removedAt: null,
    };
    expect(await portal.store.createSmartcard(record)).toBe(true);
    expect(await portal.store.setSmartcardStatus(record.id, ['pending'], 'active', now.value)).toBe(true);
    return { record, certDer, keyPkcs8Der: pair.privateKey.export({ type: 'pkcs8', format: 'der' }) };
  }

  /** The desktop app logs in with this Smartcard: the portal's own validator and purpose rules decide. */
  async function login(card: IssuedCard): Promise<Record<string, unknown>> {
    const res = await fetch(`${portal.url}/api/handoff`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ purpose: 'login' }) });
    const request = (await res.json()) as HandoffRequest;
    const token = signLabToken({
      pki,
      card: 'Z-huisarts',
      request: { origin: request.origin, challenge: request.challenge, purpose: 'login' },
      browserCode: newBrowserCode(),
      certificateDer: card.certDer,
      keyPkcs8Der: card.keyPkcs8Der,
    });
    return (await (await fetch(`${portal.url}/api/handoff/${request.id}/token`, { method: 'POST', body: JSON.stringify(token) })).json()) as Record<string, unknown>;
  }

  async function fetchCrl(): Promise<{ res: Response; crl: x509.X509Crl }> {
    const res = await fetch(`${portal.url}${SMARTCARD_CRL_PATH}`);
    expect(res.status).toBe(200);
    return { res, crl: new x509.X509Crl(new Uint8Array(await res.arrayBuffer())) };
  }

  beforeAll(async () => {
    pki = await loadLab();
    dir = mkdtempSync(join(tmpdir(), 'zorgid-sc-crl-'));
    const smartcardCa = { certDer: pki.smartcardCa.certDer, keyPkcs8Der: pki.smartcardCa.keyPkcs8Der };
    portal = await createPortal({ dbPath: join(dir, 'p.sqlite'), trust: { ...labTrust(pki), crls: labCrls(pki) }, clock: () => now.value, smartcardCa });
    ca = await createSmartcardCa(smartcardCa);
  }, 60_000);
  afterAll(async () => {
    await portal?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists a removed Smartcard with its removal time, not a blocked or an active one; signed by the Smartcard CA', async () => {
    const removed = await activeCard('900016540');
    const blocked = await activeCard('900016541');
    const active = await activeCard('900016542');

    // Before the removal: it logs in, and the CRL lists nothing.
    expect(await login(removed)).toMatchObject({ outcome: 'accepted' });
    expect((await fetchCrl()).crl.entries).toHaveLength(0);

    now.value += 60_000;
    const removedAt = now.value;
    expect(await portal.store.setSmartcardStatus(blocked.record.id, ['active'], 'blocked', removedAt, 'verdachte-activiteit')).toBe(true);
    expect(await portal.store.setSmartcardStatus(removed.record.id, ['active'], 'removed', removedAt)).toBe(true);

    const { res, crl } = await fetchCrl();
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${SMARTCARD_CRL_MAX_AGE_S}`);
    const caCert = new x509.X509Certificate(pki.smartcardCa.certDer);
    expect(await crl.verify({ publicKey: caCert })).toBe(true);
    expect(await crl.verify({ publicKey: new x509.X509Certificate(pki.root) })).toBe(false);
    expect(crl.issuer).toBe(caCert.subject);
    expect(crl.thisUpdate.getTime()).toBe(removedAt);
    expect(crl.nextUpdate!.getTime()).toBe(removedAt + SMARTCARD_CRL_VALIDITY_MS);
    expect(crl.entries.map((e) => [e.serialNumber.toLowerCase(), e.revocationDate.getTime()])).toEqual([[removed.record.serialHex, removedAt]]);
    for (const card of [blocked, active]) expect(crl.findRevoked(new x509.X509Certificate(card.certDer))).toBeNull();
    expect(crl.findRevoked(new x509.X509Certificate(removed.certDer))).not.toBeNull();
    // CRL number (2.5.29.20) present and increasing with thisUpdate.
    expect(crl.getExtension('2.5.29.20')).not.toBeNull();
  });

  it('is refused by a verifier that knows only this CRL, and by the portal itself', async () => {
    const removed = await activeCard('900016543');
    const blocked = await activeCard('900016544');
    now.value += 60_000;
    expect(await portal.store.setSmartcardStatus(removed.record.id, ['active'], 'removed', now.value)).toBe(true);
    expect(await portal.store.setSmartcardStatus(blocked.record.id, ['active'], 'blocked', now.value, 'beveiligingsincident')).toBe(true);
    now.value += 1000;

    // A relying party with nothing but the published CRL (the portal's own revocation checker, no store).
    const der = new Uint8Array(await (await fetch(`${portal.url}${SMARTCARD_CRL_PATH}`)).arrayBuffer());
    const verifier = createRevocationChecker({ crls: [der], clock: () => now.value });
    const issuer = parseCertificate(new Uint8Array(pki.smartcardCa.certDer));
    const at = new Date(now.value);
    expect(await verifier.status(parseCertificate(new Uint8Array(removed.certDer)), issuer, at)).toBe('revoked');
    expect(await verifier.status(parseCertificate(new Uint8Array(blocked.certDer)), issuer, at)).toBe('good');
    // A CRL with a forged signature is no CRL: "unknown", never "good".
    const forged = Buffer.from(der);
    forged[forged.length - 5]! ^= 0xff;
    const fooled = createRevocationChecker({ crls: [new Uint8Array(forged)], clock: () => now.value });
    expect(await fooled.status(parseCertificate(new Uint8Array(removed.certDer)), issuer, at)).toBe('unknown');

    // The portal refuses both at login through the Smartcard's status (at once, not after a CRL reload).
    expect(await login(removed)).toMatchObject({ outcome: 'refused', code: 'ERR_TOKEN_USER_UNKNOWN' });
    expect(await login(blocked)).toMatchObject({ outcome: 'refused', code: 'ERR_TOKEN_USER_BLOCKED' });
  });
});
