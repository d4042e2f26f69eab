// The portal's side of ZORG-ID Smartcard creation with lab keys in software (the SoftHSM2 end-to-end
// run is test/smartcard): proof of possession, the CSR bound to the UZI-pas signature, the purpose
// rules, issuance by the Smartcard CA and activation by the card. Real portal over loopback, SQLite.
import { createHash, generateKeyPairSync, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffRequest } from '@zorgid/protocol';
import { buildCsr } from '@zorgid/uzi';
import { activationMessage } from '@zorgid/protocol';
import { parseUziCertificate } from '@zorgid/uzi';
import type { CardLabPki, LabCardId } from '../test/card-lab/pki';
import { createPortal, type Portal } from './server';
import { csrBrowserCode } from './smartcard';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, signLabToken } from '../test/card-lab/lab-tokens';

describe('create-smartcard at the portal', () => {
  let pki: CardLabPki;
  let portal: Portal;
  let dir: string;
  const now = LAB_VALID_AT.getTime();
  const keys = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits });

  beforeAll(async () => {
    pki = await loadLab();
    dir = mkdtempSync(join(tmpdir(), 'zorgid-sc-portal-'));
    portal = await createPortal({
      dbPath: join(dir, 'p.sqlite'),
      trust: { ...labTrust(pki), crls: labCrls(pki) },
      clock: () => now,
      smartcardCa: { certDer: pki.smartcardCa.certDer, keyPkcs8Der: pki.smartcardCa.keyPkcs8Der },
    });
    await portal.store.createRegistration({ ura: '90000382', name: 'De Linde', street: 'Laan 1', postcode: '3511 AB', city: 'Utrecht', status: 'active', createdAt: now, activatedAt: now, administrator: null });
    // 90000383 (Z-4096's organisation) is registered but not validated yet.
    await portal.store.createRegistration({ ura: '90000383', name: 'Apotheek', street: 'Laan 2', postcode: '3511 AB', city: 'Utrecht', status: 'pending', createdAt: now, activatedAt: null, administrator: null });
  });
  afterAll(async () => {
    await portal?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const csrOf = (pair: { publicKey: KeyObject; privateKey: KeyObject }, signer = pair.privateKey) =>
    buildCsr({
      spkiDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
      commonName: 'ZORG-ID Smartcard',
      sign: async (tbs) => cryptoSign('sha256', tbs, signer),
    });

  async function newRequest(purpose = 'create-smartcard'): Promise<HandoffRequest> {
    const res = await fetch(`${portal.url}/api/handoff`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ purpose }) });
    return (await res.json()) as HandoffRequest;
  }

  async function certify(card: LabCardId, csr: Buffer, boundTo: Buffer = csr) {
    const request = await newRequest();
    const token = signLabToken({ pki, card, request: { origin: request.origin, challenge: request.challenge, purpose: 'create-smartcard' }, browserCode: csrBrowserCode(boundTo) });
    const res = await fetch(`${portal.url}/api/smartcard/${request.id}/certify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ csr: csr.toString('base64'), token }) });
    return { request, status: res.status, body: (await res.json()) as Record<string, string> };
  }

  it('refuses a CSR whose signature is not made by its key (no proof of possession), without burning the request', async () => {
    const pair = keys();
    const r = await certify('Z-huisarts', await csrOf(pair, keys().privateKey));
    expect(r).toMatchObject({ status: 400, body: { code: 'ERR_SMARTCARD_CSR_INVALID' } });
    expect((await portal.store.getHandoff(r.request.id))?.usedAt).toBeNull();
  });

  it('refuses a CSR the UZI-pas did not sign for (swapped on the way)', async () => {
    const r = await certify('Z-huisarts', await csrOf(keys()), await csrOf(keys()));
    expect(r).toMatchObject({ status: 400, body: { code: 'ERR_SMARTCARD_CSR_INVALID' } });
  });

  it('refuses a key shorter than RSA-2048', async () => {
    expect(await certify('Z-huisarts', await csrOf(keys(1024)))).toMatchObject({ body: { code: 'ERR_SMARTCARD_CSR_INVALID' } });
  });

  it('refuses an organisation that is not validated, an M card and identification with a Smartcard', async () => {
    expect(await certify('Z-4096', await csrOf(keys()))).toMatchObject({ body: { code: 'ERR_SMARTCARD_ORGANISATION_NOT_ACTIVE' } });
    expect(await certify('M-balie', await csrOf(keys()))).toMatchObject({ body: { code: 'ERR_TOKEN_CARD_TYPE_NOT_ALLOWED' } });
    expect(await certify('SC-employee', await csrOf(keys()))).toMatchObject({ body: { code: 'ERR_TOKEN_CARD_TYPE_NOT_ALLOWED' } });
  });

  it('takes a create-smartcard token only together with its CSR', async () => {
    const request = await newRequest();
    const token = signLabToken({ pki, card: 'Z-huisarts', request: { origin: request.origin, challenge: request.challenge, purpose: 'create-smartcard' }, browserCode: 'x'.repeat(22) });
    const res = await fetch(`${portal.url}/api/handoff/${request.id}/token`, { method: 'POST', body: JSON.stringify(token) });
    expect(await res.json()).toMatchObject({ code: 'ERR_TOKEN_PURPOSE_NOT_SUPPORTED' });
  });

  it('issues an authentication certificate for the CSR key, activates only with the card’s signature, then refuses a second one', async () => {
    const pair = keys();
    const r = await certify('Z-huisarts', await csrOf(pair));
    expect(r.status).toBe(200);
    const cert = new X509Certificate(Buffer.from(r.body.certificate!, 'base64'));
    expect(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(pair.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(cert.checkIssued(new X509Certificate(pki.smartcardCa.certDer))).toBe(true);
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4']));
    expect(parseUziCertificate(new Uint8Array(cert.raw))).toMatchObject({ uziNumber: '900016528', cardType: 'Z', ura: '90000382', roleCode: '01.015', commonName: 'Anna Maria de Vries' });
    expect((await portal.store.getHandoff(r.request.id))?.state).toBe('done');

    // Pending: does not count yet, so a pulled card never blocks the next attempt.
    expect(await portal.store.findLiveSmartcardByUzi('900016528')).toBeNull();
    const activate = (signature: Buffer) =>
      fetch(`${portal.url}/api/smartcard/${r.body.smartcardId}/activate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature: signature.toString('base64') }) });
    const message = activationMessage(r.body.smartcardId!, r.body.activationChallenge!);
    expect(await (await activate(cryptoSign('sha256', message, keys().privateKey))).json()).toMatchObject({ code: 'ERR_SMARTCARD_VERIFY_FAILED' });
    expect(await (await activate(cryptoSign('sha256', message, pair.privateKey))).json()).toMatchObject({ outcome: 'active' });
    expect(await portal.store.findSmartcardByCert(createHash('sha256').update(cert.raw).digest('hex'))).toMatchObject({ status: 'active', ura: '90000382' });

    expect(await certify('Z-huisarts', await csrOf(keys()))).toMatchObject({ body: { code: 'ERR_SMARTCARD_ALREADY_EXISTS' } });
  });
});
