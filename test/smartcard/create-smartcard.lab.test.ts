// ZORG-ID Smartcard creation with the UZI-pas on the real card path: supervisor → card host child →
// pcscd/vpcd → OpenSC on the card lab's virtual Z card (reader 0), the blank ZORG-ID Smartcard a
// SoftHSM2 token in this process, the reference portal over loopback; then a login with the new card.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { buildHandoffToken, digestInfoFor, handoffSignedDigest, hashBrowserCode, toBase64Url, type HandoffRequest } from '@zorgid/protocol';
import { openPkcs11 } from '../../src/main/core/card/pkcs11-adapter';
import type { SmartcardTokenAccess } from '../../src/main/core/card/smartcard-token';
import { SMARTCARD_STEPS, createSmartcard, slotForReader, type SmartcardProgress } from '../../src/main/core/enrol/create-smartcard';
import { httpSmartcardPortal } from '../../src/main/core/enrol/smartcard-portal';
import { createCardHost, type CardHost } from '../../src/main/core/host/supervisor';
import type { Portal } from '../../portal/server';
import { LAB_PIN, startCardLab, type CardLab } from '../card-lab/controller';
import { openscLabEnv } from '../card-lab/opensc-conf';
import { OPENSC_PKCS11, SOFTHSM_MODULE, ensurePcscd, requireLab, stopPcscd, type PcscdHandle } from '../card-lab/pcscd';
import { LAB_VALID_AT, loadCardLab, type CardLabPki } from '../card-lab/pki';
import { BLANK_SO_PIN, smartcardSoftHsm, startSmartcardPortal, type SmartcardSoftHsm } from './smartcard-lab';

const lab = requireLab();
const R0 = 'Virtual PCD 00 00';
const CARD_PIN = '97531864';
const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.skipIf(lab.skip)(lab.title('ZORG-ID Smartcard creation with the virtual UZI-pas (pcscd + vpcd + OpenSC)'), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;
  let pki: CardLabPki;
  let host: CardHost;
  let hsm: SmartcardSoftHsm;
  let blank: SmartcardTokenAccess;
  let portal: Portal;
  let dir: string;
  const now = LAB_VALID_AT.getTime();

  /** OpenSC needs ~1.5 s after an insert before the token is there. */
  async function insertAndWait(card: 'Z-huisarts' | 'M-balie') {
    await cards.insert(card, { reader: 0 });
    const until = Date.now() + 15_000;
    for (;;) {
      try {
        return await host.read(R0);
      } catch (e) {
        if (!(e instanceof AppError) || e.kind !== 'retry' || Date.now() > until) throw e;
        await sleep(300);
      }
    }
  }

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    pki = await loadCardLab();
    cards = await startCardLab({ pki });
    host = createCardHost({ modulePath: OPENSC_PKCS11, env: openscLabEnv(), clock: () => now });
    await host.whenReady();
    hsm = await smartcardSoftHsm(pki);
    await hsm.addBlank('SC lab 1');
    await hsm.addBlank('SC lab 2');
    process.env.SOFTHSM2_CONF = hsm.base.conf;
    blank = openPkcs11(SOFTHSM_MODULE);
    dir = mkdtempSync(join(tmpdir(), 'zorgid-sc-lab-'));
    portal = await startSmartcardPortal(pki, join(dir, 'portal.sqlite'), () => now);
  }, 90_000);

  afterAll(async () => {
    await cards?.remove({ reader: 0 }).catch(() => undefined);
    await host?.close();
    await cards?.close();
    if (pcscd?.started) await stopPcscd();
    await portal?.close();
    await blank?.close();
    hsm?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (blankLabel: string, events: SmartcardProgress[] = []) =>
    createSmartcard(
      {
        blank,
        uzi: host,
        portal: httpSmartcardPortal({ origin: portal.origin, allowlist: [portal.origin] }),
        pinAuthority: () => ({ kind: 'so', soPin: Buffer.from(BLANK_SO_PIN) }),
        appVersion: 'lab-0.1.0',
      },
      { uziReader: R0, blankReader: blankLabel, pin: Buffer.from(CARD_PIN), pinRepeat: Buffer.from(CARD_PIN), uziPin: async () => Buffer.from(LAB_PIN) },
      (e) => events.push(e),
    );

  it('refuses the virtual M card and leaves the blank card blank', async () => {
    await insertAndWait('M-balie');
    await expect(run('SC lab 2')).rejects.toMatchObject({ code: 'ERR_TOKEN_CARD_TYPE_NOT_ALLOWED' });
    const { slotId } = await slotForReader(blank, 'SC lab 2');
    expect(await blank.inspectBlank(slotId)).toMatchObject({ blank: true, certificates: 0, publicKeys: 0 });
    await cards.remove({ reader: 0 });
  }, 60_000);

  it('creates a Smartcard with the virtual Z card and logs in with it', async () => {
    await insertAndWait('Z-huisarts');
    const events: SmartcardProgress[] = [];
    const t0 = performance.now();
    const created = await run('SC lab 1', events);
    console.log(`LAB smartcard create (virtual Z card over vpcd + SoftHSM blank): ${(performance.now() - t0).toFixed(0)} ms`);
    expect(events.filter((e) => e.status === 'done').map((e) => e.step)).toEqual([...SMARTCARD_STEPS]);
    expect(created.token.certificate).toBe(pki.cards['Z-huisarts'].auth!.certDer.toString('base64'));

    // Login through the handoff token endpoint, signed by the new card's key.
    const res = await fetch(`${portal.url}/api/handoff`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ purpose: 'login' }) });
    const request = (await res.json()) as HandoffRequest;
    const browserCodeHash = hashBrowserCode(sha256, toBase64Url(randomBytes(16)));
    const signed = handoffSignedDigest(sha256, { origin: request.origin, challenge: request.challenge, purpose: 'login', browserCodeHash });
    const { slotId } = await slotForReader(blank, 'SC lab 1');
    const signature = await blank.sign({ slotId, certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from(digestInfoFor(signed)), pin: Buffer.from(CARD_PIN) });
    const token = buildHandoffToken({ purpose: 'login', browserCodeHash, certificate: new Uint8Array(created.certificateDer), signature, appVersion: 'lab-0.1.0' });
    const posted = await fetch(`${portal.url}/api/handoff/${request.id}/token`, { method: 'POST', body: JSON.stringify(token) });
    expect(await posted.json()).toMatchObject({ outcome: 'accepted' });
  }, 90_000);
});
