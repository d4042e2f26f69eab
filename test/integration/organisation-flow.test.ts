// validate-organisation and enrol-user in the app against the real reference portal (real HTTP, real
// SQLite on both sides) with the card lab's keys behind an in-memory card port (mocks at ports only):
// cards that cannot validate are refused before any PIN, the enrolment QR comes over the back-channel
// once, the simulator can redeem what the app draws, and nothing of the QR reaches the app's store.
import { constants, createPrivateKey, privateEncrypt, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EnrolmentQrView } from '../../src/shared/channels';
import type { CardReading } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';
import { toBase64Url } from '@zorgid/protocol';
import type { Portal } from '../../portal/server';
import { LAB_VALID_AT, loadLab } from '../card-lab/lab-tokens';
import { createOrgPortal, enrolEarlierMobielId, flow as orgFlow, LINDE, TestBrowser } from '../../portal/test/org-flow';
import type { CardLabPki, LabCardId } from '../card-lab/pki';
import { createMobileApp, decodeQrPng, pngFromDataUrl } from '../fakes/mobile-app';
import type { CardService, SignRequest } from '../../src/main/core/card/card-port';
import { parseUziCertificate } from '@zorgid/uzi';
import { openAppStore, type AppStore } from '../../src/main/core/store/app-store';
import type { HandoffResult, HandoffScreens, PinRequest } from '../../src/main/core/handoff/handoff-flow';
import type { HandoffFlow } from '../../src/main/core/handoff/loopback-listener';
import { checkEnrolmentPayload, runEnrolUser, runValidateOrganisation } from '../../src/main/core/handoff/organisation-flow';
import { createPortalClient, type PortalClient } from '../../src/main/core/handoff/portal-client';

const LAB_PIN = '123456';
const BIRTH_DATE = '1975-03-14';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let store: AppStore;
let client: PortalClient;
let now: number;

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-org-flow-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  now = LAB_VALID_AT.getTime();
  const id = randomBytes(4).toString('hex');
  portal = await createOrgPortal(pki, join(dir, `portal-${id}.sqlite`), { clock: () => now });
  store = openAppStore({ path: join(dir, `app-${id}`, 'app.sqlite'), clock: () => now });
  client = createPortalClient({ allowlist: () => [portal.origin] });
});
afterEach(async () => {
  await portal.close();
  store.close();
});

function labCard(id: LabCardId) {
  const auth = pki.cards[id].auth!;
  const holder = parseUziCertificate(new Uint8Array(auth.certDer));
  const signed: string[] = [];
  const reading: CardReading = {
    reader: 'Lab Reader 00',
    slotId: '0',
    tokenLabel: 'UZI-pas',
    tokenSerial: '1',
    pin: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 6, maxLength: 8 },
    certificates: [{ id: '01', label: 'auth', der: Buffer.from(auth.certDer).toString('base64'), usage: 'authentication', keyBits: 2048 }],
    authCertificateId: '01',
    holder,
    holderError: null,
    validity: 'valid',
  };
  const service: Pick<CardService, 'read' | 'sign'> = {
    read: async () => reading,
    async sign(req: SignRequest) {
      try {
        if (req.pin.toString() !== LAB_PIN) throw new AppError('ERR_PIN_INCORRECT');
        signed.push(req.certificateId);
        const key = createPrivateKey({ key: Buffer.from(auth.keyPkcs8Der), format: 'der', type: 'pkcs8' });
        return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, req.data);
      } finally {
        req.pin.fill(0);
      }
    },
  };
  return { service, signed, holder };
}

function screens(onQr: (qr: EnrolmentQrView) => Promise<void> = async () => {}) {
  const asked: PinRequest[] = [];
  const results: HandoffResult[] = [];
  const confirmed: Parameters<HandoffScreens['confirmRequest']>[0][] = [];
  const qrs: EnrolmentQrView[] = [];
  let waited = 0;
  const s: Required<HandoffScreens> = {
    async confirmRequest(view) {
      confirmed.push(view);
      return { reader: 'Lab Reader 00' };
    },
    async askPin(req) {
      asked.push(req);
      return Buffer.from(LAB_PIN);
    },
    waiting() {
      waited++;
      return () => false;
    },
    async showEnrolment(qr) {
      qrs.push(qr);
      await onQr(qr);
    },
    finished: (r) => void results.push(r),
  };
  return { s, asked, results, confirmed, qrs, waited: () => waited };
}

/** The app's side of the navigation: the request fetched over the back-channel, a fresh browser code. */
async function acceptedFlow(id: string): Promise<HandoffFlow> {
  const request = await client.getRequest(portal.origin, id);
  return { portal: portal.origin, request, browserCode: toBase64Url(randomBytes(16)), acceptedAt: now };
}

const audit = () => store.listAudit().map((r) => r.record);
const org = () => orgFlow(() => portal, () => pki);

/** Every byte the app wrote under its data directory. */
function appFiles(): Buffer {
  const d = store.path.replace(/\/app\.sqlite$/, '');
  return Buffer.concat(readdirSync(d).map((f) => readFileSync(join(d, f))));
}

describe('validate-organisation in the app', () => {
  async function started(card: LabCardId) {
    expect((await org().register()).status).toBe(201);
    const browser = new TestBrowser(() => portal);
    const id = await org().start(browser, LINDE.ura);
    return { browser, id, flow: await acceptedFlow(id), card: labCard(card) };
  }

  it('refuses an M card before asking the PIN, and tells the portal', async () => {
    const { flow, card } = await started('M-balie');
    const ui = screens();
    const result = await runValidateOrganisation({ card: card.service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0', clock: () => now }, flow);
    expect(result).toMatchObject({ outcome: 'failed', code: 'ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED', holder: { cardType: 'M' } });
    expect(ui.asked).toEqual([]);
    expect(card.signed).toEqual([]);
    expect(ui.confirmed[0]?.organisation).toEqual({ ura: LINDE.ura, name: LINDE.name });
    expect(audit().map((r) => [r.step, r.outcome, r.code ?? null])).toEqual([
      ['organisation-fetched', 'ok', null],
      ['card-read', 'ok', null],
      ['card-refused', 'refused', 'ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED'],
      ['failed', 'failed', 'ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED'],
    ]);
    const status = (await (await fetch(`${portal.url}/api/handoff/${flow.request.id}`)).json()) as { state?: string };
    expect(status.state ?? 'gone').not.toBe('pending');
  });

  it('refuses a card of another URA before asking the PIN', async () => {
    const { flow, card } = await started('Z-4096');
    expect(card.holder.ura).not.toBe(LINDE.ura);
    const ui = screens();
    const result = await runValidateOrganisation({ card: card.service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0', clock: () => now }, flow);
    expect(result).toMatchObject({ outcome: 'failed', code: 'ERR_HANDOFF_URA_MISMATCH' });
    expect(ui.asked).toEqual([]);
    expect(card.signed).toEqual([]);
  });

  it('signs with the authentication key, waits for the browser, shows each QR once (a re-issued one follows), ends when active; no QR stored', async () => {
    const { browser, id, flow, card } = await started('Z-huisarts');
    const codes: string[] = [];
    const mobile = createMobileApp();
    const ui = screens(async (qr) => {
      const text = decodeQrPng(pngFromDataUrl(qr.qrDataUrl));
      codes.push(new URL(text).searchParams.get('code')!);
      // The first QR is lost (closed unscanned): the administrator makes a new one in the browser,
      // which reaches the app on a later poll. The second is scanned from what the app drew.
      if (codes.length === 1) expect((await browser.form(`/organisatie/validatie/${id}/code`, {})).status).toBe(303);
      else await mobile.enrol({ png: pngFromDataUrl(qr.qrDataUrl) }, BIRTH_DATE);
    });
    // The administrator's steps in the browser, while the app polls.
    const app = runValidateOrganisation(
      { card: card.service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0', clock: () => now, sleep: (ms) => new Promise((r) => setTimeout(r, ms / 30)) },
      flow,
    );
    await expect.poll(() => ui.waited(), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await org().complete(browser, id, flow.browserCode);
    await org().toCode(browser, id, BIRTH_DATE);
    const result = await app;
    expect(result).toMatchObject({ outcome: 'done', organisationActive: true });
    expect(card.signed).toEqual(['01']);
    expect(ui.qrs).toHaveLength(2);
    expect(codes[0]).not.toBe(codes[1]);
    expect(ui.qrs[0]).toMatchObject({ name: card.holder.commonName, organisation: { ura: LINDE.ura, name: LINDE.name } });
    expect(Date.parse(ui.qrs[0]!.expiresAt) - now).toBe(10 * 24 * 60 * 60_000);
    expect(mobile.identities()[0]).toMatchObject({ organisation: { ura: LINDE.ura }, role: 'Administrator' });
    // Nothing of the QR in the audit log or anywhere in the app's files.
    expect(audit().map((r) => r.step)).toEqual([
      'organisation-fetched',
      'card-read',
      'signed',
      'token-posted',
      'enrolment-shown',
      'enrolment-closed',
      'enrolment-shown',
      'enrolment-closed',
      'organisation-active',
    ]);
    const bytes = appFiles();
    for (const code of codes) {
      expect(code).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(bytes.includes(code)).toBe(false);
    }
    expect(bytes.includes('zorgid://enrol')).toBe(false);
    expect(bytes.includes(ui.qrs[0]!.qrDataUrl.slice(30, 90))).toBe(false);
  });

  it('the back-channel: the organisation before the token without a session; after it only with the card session', async () => {
    const { flow } = await started('Z-huisarts');
    const before = await client.getOrganisation(portal.origin, flow.request.id);
    expect(before).toMatchObject({ state: 'handoff', holder: null, organisation: { ura: LINDE.ura, name: LINDE.name } });
    await expect(client.getOrganisation(portal.origin, flow.request.id, 'A'.repeat(22))).rejects.toMatchObject({ code: 'ERR_PORTAL_SESSION_MISMATCH' });
    await expect(client.getOrganisation('https://elders.example', flow.request.id)).rejects.toMatchObject({ code: 'ERR_HANDOFF_PORTAL_NOT_ALLOWED' });
  });

  it('ends at once when the holder already has a Mobiel ID (organisation active)', async () => {
    const mobile = createMobileApp();
    await enrolEarlierMobielId(portal, mobile, { now, birthDate: BIRTH_DATE });
    const { browser, id, flow, card } = await started('Z-huisarts');
    const ui = screens();
    const app = runValidateOrganisation(
      { card: card.service, screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e), appVersion: '0.1.0', clock: () => now, sleep: (ms) => new Promise((r) => setTimeout(r, ms / 30)) },
      flow,
    );
    await expect.poll(() => ui.waited(), { timeout: 5_000 }).toBe(1);
    await org().complete(browser, id, flow.browserCode);
    expect((await browser.form(`/organisatie/validatie/${id}/bevestigen`, {})).status).toBe(303);
    expect(await app).toMatchObject({ outcome: 'done', organisationActive: true });
    expect(ui.qrs).toEqual([]);
    expect(audit().at(-1)).toMatchObject({ step: 'organisation-active', outcome: 'ok', ura: LINDE.ura });
  });
});

describe('enrol-user in the app', () => {
  it('checks that the payload names this portal and only an opaque code', () => {
    const ok = `zorgid://enrol?portal=${encodeURIComponent('https://p.example')}&code=${'a'.repeat(24)}`;
    expect(checkEnrolmentPayload(ok, 'https://p.example')).toBe(ok);
    for (const bad of [
      `zorgid://enrol?portal=${encodeURIComponent('https://evil.example')}&code=${'a'.repeat(24)}`,
      `zorgid://enrol?portal=${encodeURIComponent('https://p.example')}&code=${'a'.repeat(24)}&name=Anna`,
      `https://p.example/enrol?code=${'a'.repeat(24)}`,
      `zorgid://enrol?portal=${encodeURIComponent('https://p.example')}&code=short`,
      'not a url',
    ]) {
      expect(() => checkEnrolmentPayload(bad, 'https://p.example'), bad).toThrow(expect.objectContaining({ code: 'ERR_HANDOFF_QR_INVALID' }));
    }
  });

  it('fetches the QR once, shows it until closed, the employee redeems it; a second fetch is refused; nothing stored', async () => {
    const { createAdminWorld, api, ORG_A } = await import('../../portal/test/admin-fixture');
    const world = await createAdminWorld({ appUrl: 'http://127.0.0.1:24761' });
    try {
      const allowed = createPortalClient({ allowlist: () => [world.portal.origin] });
      const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
      const reg = await api(beheerder.browser, 'POST', '/api/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: 'Daan', achternaam: 'Desk', geboortedatum: '1995-09-09', bezorging: 'desktop' });
      expect(reg.status).toBe(201);
      expect(JSON.stringify(reg.json)).not.toContain('zorgid://enrol');
      const id = (reg.json.handoff as { id: string }).id;
      const request = await allowed.getRequest(world.portal.origin, id);
      const flow: HandoffFlow = { portal: world.portal.origin, request, browserCode: toBase64Url(randomBytes(16)), acceptedAt: now };
      const phone = createMobileApp();
      let code = '';
      const ui = screens(async (qr) => {
        code = new URL(decodeQrPng(pngFromDataUrl(qr.qrDataUrl))).searchParams.get('code')!;
        await phone.enrol({ png: pngFromDataUrl(qr.qrDataUrl) }, '1995-09-09');
      });
      const result = await runEnrolUser({ screens: ui.s, portal: allowed, audit: (e) => void store.appendAudit(e) }, flow);
      expect(result).toEqual({ outcome: 'closed' });
      expect(ui.qrs[0]).toMatchObject({ name: 'Daan Desk', organisation: { ura: ORG_A.ura } });
      expect(phone.identities()[0]).toMatchObject({ name: 'Daan Desk', role: 'Gebruiker' });
      expect(audit().map((r) => [r.step, r.outcome])).toEqual([
        ['enrolment-fetched', 'ok'],
        ['enrolment-shown', 'ok'],
        ['enrolment-closed', 'ok'],
      ]);
      const again = await runEnrolUser({ screens: screens().s, portal: allowed, audit: (e) => void store.appendAudit(e) }, flow);
      expect(again).toEqual({ outcome: 'failed', code: 'ERR_PORTAL_HANDOFF_NOT_PENDING' });
      const bytes = appFiles();
      expect(code.length).toBeGreaterThan(20);
      expect(bytes.includes(code)).toBe(false);
      expect(bytes.includes('zorgid://enrol')).toBe(false);
    } finally {
      await world.close();
    }
  });

  it('fails without showing anything when the portal has no enrolment for the request', async () => {
    expect((await org().register()).status).toBe(201);
    const browser = new TestBrowser(() => portal);
    const id = await org().start(browser, LINDE.ura);
    const ui = screens();
    const result = await runEnrolUser({ screens: ui.s, portal: client, audit: (e) => void store.appendAudit(e) }, await acceptedFlow(id));
    expect(result.outcome).toBe('failed');
    expect(ui.qrs).toEqual([]);
    expect(audit().at(-1)).toMatchObject({ step: 'enrolment-fetched', outcome: 'failed' });
  });
});

describe('the QR on the screens (handoff-ui)', () => {
  it('shows the QR until Sluiten, then the view forgets it; the request expiring does not take it away', async () => {
    const { createHandoffUi } = await import('../../src/main/core/handoff/handoff-ui');
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const ui = createHandoffUi({ card: { subscribe: () => () => {} }, clock: () => clock });
    const flow: HandoffFlow = {
      portal: 'https://portaal.example',
      browserCode: 'x'.repeat(22),
      acceptedAt: clock,
      request: {
        id: 'a'.repeat(22),
        purpose: 'enrol-user',
        challenge: 'c'.repeat(43),
        origin: 'https://portaal.example',
        ura: '90000382',
        expiresAt: new Date(clock + 50).toISOString(),
        returnUrl: `https://portaal.example/handoff/${'a'.repeat(22)}/done`,
      } as HandoffFlow['request'],
    };
    const screens = ui.begin(flow);
    const qr: EnrolmentQrView = { qrDataUrl: 'data:image/png;base64,QUJD', name: 'Jan Jansen', organisation: { ura: '90000382', name: 'De Linde' }, expiresAt: '2026-03-11T10:00:00.000Z' };
    let closed = false;
    const shown = screens.showEnrolment!(qr).then(() => (closed = true));
    expect(ui.view()).toMatchObject({ step: 'enrolment', qr });
    clock += 1_000;
    await new Promise((r) => setTimeout(r, 120));
    expect(closed).toBe(false);
    expect(ui.view().step).toBe('enrolment');
    ui.cancel({ flow: 1 });
    expect(ui.view().step).toBe('enrolment');
    ui.dismiss({ flow: 1 });
    await shown;
    expect(ui.view()).toEqual({ step: 'idle' });
    expect(JSON.stringify(ui.view())).not.toContain('QUJD');
  });
});
