// Organisation validation (manual §6) at the portal level, over real loopback HTTP with a real SQLite
// file, tokens signed with the card lab's keys and the simulated Mobile App: both branches start to
// finish (operator registration → UZI-pas → confirmation → Mobiel ID → login via the login QR), and
// every refusal with its own code.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CardLabPki } from '../test/card-lab/pki';
import { createMobileApp, decodeQrPng, pngFromDataUrl } from '../test/fakes/mobile-app';
import { ENROLMENT_MAX_ATTEMPTS } from './mobile';
import { ENROLMENT_TTL_MS, type OrganisationAnswer } from './organisation';
import { createPortal, type Portal } from './server';
import { LAB_VALID_AT, labCrls, labTrust, loadLab } from '../test/card-lab/lab-tokens';
import { LINDE, OPERATOR_TOKEN, TestBrowser, createOrgPortal, enrolEarlierMobielId, flow, loginQrDataUrl } from './test/org-flow';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let now: number;
let counter = 0;
/** Every value the portal drew, base64url: codes must come from the injected rng, nowhere else. */
const drawn: string[] = [];
/** Deterministic randomness: every id and code in these tests follows from this counter. */
const rng = (n: number) => {
  const bytes = new Uint8Array(createHash('sha256').update(`rng-${counter++}`).digest().subarray(0, n));
  drawn.push(Buffer.from(bytes).toString('base64url'));
  return bytes;
};

const f = flow(
  () => portal,
  () => pki,
);
const BIRTH_DATE = '1980-04-12';

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-org-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  now = LAB_VALID_AT.getTime();
  portal = await createOrgPortal(pki, join(dir, `org-${randomBytes(6).toString('hex')}.sqlite`), { clock: () => now, rng });
});
afterEach(async () => {
  await portal.close();
});

const codeOf = (body: unknown) => (body as { code?: string }).code;

/** New branch up to the enrolment payload as the desktop app receives it. */
async function issuedEnrolment(browser = new TestBrowser(() => portal)) {
  expect((await f.register()).status).toBe(201);
  const { id, sessionId } = await f.throughCard(browser, LINDE.ura);
  await f.toCode(browser, id, BIRTH_DATE);
  const app = await f.appOrganisation(id, sessionId);
  expect(app.status).toBe(200);
  const answer = app.body as OrganisationAnswer;
  return { browser, id, sessionId, answer, png: pngFromDataUrl(answer.enrolment!.qrDataUrl!) };
}

async function loginWithQr(browser: TestBrowser, mobile: ReturnType<typeof createMobileApp>) {
  const landing = await (await browser.fetch('/')).text();
  expect((await browser.json('/api/login-qr/complete', {})).status).toBe(200);
  await mobile.login({ png: pngFromDataUrl(loginQrDataUrl(landing)) });
  const done = (await (await browser.json('/api/login-qr/complete', {})).json()) as { outcome: string; next?: string };
  expect(done).toEqual({ outcome: 'ok', next: '/ingelogd' });
  const page = await browser.fetch('/ingelogd');
  expect(page.status).toBe(200);
  return page.text();
}

describe('operator: organisation registrations', () => {
  it('creates a registration with the operator token, refuses without it, a duplicate and bad fields in Dutch', async () => {
    expect(codeOf(await (await f.register(LINDE, 'wrong-token')).json())).toBe('ERR_PORTAL_OPERATOR_FORBIDDEN');
    const created = await f.register();
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ outcome: 'created', registration: { ...LINDE, status: 'pending' } });
    const dup = await f.register();
    expect(dup.status).toBe(409);
    expect(codeOf(await dup.json())).toBe('ERR_ORG_REGISTRATION_EXISTS');
    const bad = await f.register({ ura: '1234567', name: ' ', street: 'x', postcode: '0123 AB', city: 'Utrecht' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { fields: Record<string, string> }).fields).toEqual({
      ura: 'Het URA-nummer bestaat uit precies 8 cijfers.',
      name: 'Vul de naam van de organisatie in.',
      postcode: 'Vul een Nederlandse postcode in, bijvoorbeeld 1234 AB.',
    });
    const list = await fetch(`${portal.url}/api/operator/registrations`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(((await list.json()) as { registrations: unknown[] }).registrations).toHaveLength(1);
  });

  it('has an operator page whose errors stand beside the fields; a portal without a token refuses everyone', async () => {
    const browser = new TestBrowser(() => portal);
    const form = await browser.fetch('/operator');
    expect(await form.text()).toContain('Organisatieregistratie aanmaken');
    const wrong = await browser.form('/operator', { token: 'nee', ...LINDE });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/id="token-error" data-error-for="token">Alleen de beheerder van ZORG-ID/);
    const invalid = await browser.form('/operator', { token: OPERATOR_TOKEN, ...LINDE, postcode: 'abc' });
    expect(invalid.status).toBe(400);
    const html = await invalid.text();
    expect(html).toMatch(/<input id="postcode" name="postcode" type="text" value="abc" aria-describedby="postcode-error" aria-invalid="true">\s*<p class="field-error" id="postcode-error" data-error-for="postcode">Vul een Nederlandse postcode in/);
    const ok = await browser.form('/operator', { token: OPERATOR_TOKEN, ...LINDE, postcode: '3511ab' });
    expect(ok.status).toBe(201);
    expect(await ok.text()).toMatch(/<td>Lindelaan 12, 3511 AB Utrecht<\/td><td>Wacht op validatie<\/td>/);

    const closed = await createPortal({ dbPath: join(dir, `closed-${randomBytes(4).toString('hex')}.sqlite`), trust: { ...labTrust(pki), crls: labCrls(pki) } });
    try {
      const res = await fetch(`${closed.url}/api/operator/registrations`, { method: 'POST', headers: { authorization: 'Bearer ' }, body: JSON.stringify(LINDE) });
      expect(res.status).toBe(403);
    } finally {
      await closed.close();
    }
  });
});

describe('organisation validation: both branches end to end', () => {
  it('no Mobiel ID yet: UZI-pas → data → birth date → app links → enrolment QR → Mobile App → administrator logs in', async () => {
    const browser = new TestBrowser(() => portal);
    expect((await f.register()).status).toBe(201);
    const landing = await (await browser.fetch('/')).text();
    expect(landing).toContain('href="/organisatie/valideren" id="validate-organisation">Ik wil een organisatie valideren');
    const startPage = await (await browser.fetch('/organisatie/valideren')).text();
    expect(startPage).toContain('Ik heb bovenstaande voorbereidingen gelezen');

    const id = await f.start(browser, LINDE.ura);
    // Before the card: the app may show which organisation it is asked to validate.
    const before = await fetch(`${portal.url}/api/handoff/${id}/organisation`);
    expect(await before.json()).toEqual({
      purpose: 'validate-organisation',
      state: 'handoff',
      organisation: { ...LINDE, status: 'pending' },
      holder: null,
      branch: null,
      enrolment: null,
    });
    const signed = await f.appSigns(id, 'Z-huisarts');
    // After the token, only the app that signed (its card session id) reads on.
    expect((await fetch(`${portal.url}/api/handoff/${id}/organisation`)).status).toBe(403);
    expect(signed.request).toMatchObject({ purpose: 'validate-organisation', ura: LINDE.ura });
    // The token answer names the organisation the app validated.
    expect(signed.body).toMatchObject({ outcome: 'accepted', organisation: { ura: LINDE.ura, name: LINDE.name }, validation: `/api/handoff/${id}/organisation` });
    const sessionId = signed.body.sessionId as string;
    // Before the browser presented bc, nothing of the card is shown anywhere.
    expect((await f.page(browser, id)).status).toBe(409);
    await f.complete(browser, id, signed.browserCode);

    const confirm = await f.page(browser, id);
    expect(confirm.html).toContain('Controleer de organisatiegegevens');
    expect(confirm.html).toContain('Lindelaan 12, 3511 AB Utrecht');
    expect(confirm.html).toContain('Neem dan contact op met VZVZ');
    expect(((await f.appOrganisation(id, sessionId)).body as OrganisationAnswer).state).toBe('card-verified');

    expect((await browser.form(`/organisatie/validatie/${id}/bevestigen`, {})).status).toBe(303);
    const holderPage = await f.page(browser, id);
    expect(holderPage.html).toContain('Anna Maria de Vries');
    expect(holderPage.html).toContain('900016528');
    expect(holderPage.html).toContain('type="date"');

    // Birth date rules: a real date, in the past, 16–120 years.
    for (const [value, text] of [
      ['', 'Vul uw geboortedatum in als JJJJ-MM-DD.'],
      ['1980-02-30', 'Deze datum bestaat niet.'],
      ['2020-01-01', 'tussen 16 en 120 jaar'],
    ] as const) {
      const res = await browser.form(`/organisatie/validatie/${id}/geboortedatum`, { geboortedatum: value });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(text);
    }
    expect((await browser.form(`/organisatie/validatie/${id}/geboortedatum`, { geboortedatum: BIRTH_DATE })).status).toBe(303);
    const links = await f.page(browser, id);
    expect(links.html).toContain('id="play-store"');
    expect(links.html).toContain('id="app-store"');
    expect((await browser.form(`/organisatie/validatie/${id}/code`, {})).status).toBe(303);
    const codePage = await f.page(browser, id);
    expect(codePage.html).toContain('Scan de QR-code in ZORG-ID Desktop');
    expect(codePage.html).toContain('geldig tot 2026-06-11 00:00 UTC (10 dagen)');

    // The app's follow-up GET: organisation, holder, and the enrolment QR exactly once.
    const first = (await f.appOrganisation(id, sessionId)).body as OrganisationAnswer;
    expect(first).toMatchObject({
      state: 'code-issued',
      branch: 'new',
      organisation: { ura: LINDE.ura, name: LINDE.name, status: 'pending' },
      holder: { name: 'Anna Maria de Vries', uziNumber: '900016528' },
      enrolment: { holderName: 'Anna Maria de Vries', expiresAt: new Date(now + ENROLMENT_TTL_MS).toISOString(), delivered: true },
    });
    expect(first.enrolment!.payload).toMatch(/^zorgid:\/\/enrol\?portal=[^&]+&code=[A-Za-z0-9_-]{24}$/);
    const second = (await f.appOrganisation(id, sessionId)).body as OrganisationAnswer;
    expect(second.enrolment).toEqual({ holderName: 'Anna Maria de Vries', expiresAt: first.enrolment!.expiresAt, delivered: true });
    // The code is 18 bytes of the injected rng.
    expect(drawn).toContain(first.enrolment!.payload!.split('code=')[1]);

    const mobile = createMobileApp();
    const identity = await mobile.enrol({ png: pngFromDataUrl(first.enrolment!.qrDataUrl!) }, BIRTH_DATE);
    expect(identity).toMatchObject({ name: 'Anna Maria de Vries', organisation: { ura: LINDE.ura, name: LINDE.name }, role: 'Administrator' });
    expect(((await (await browser.fetch(`/organisatie/validatie/${id}/status`)).json()) as { state: string }).state).toBe('active');
    const active = await f.page(browser, id);
    expect(active.html).toContain('is aangemaakt en actief');
    expect(active.html).toContain('met uw nieuwe ZORG-ID Mobiel ID');
    expect(((await f.appOrganisation(id, sessionId)).body as OrganisationAnswer).organisation.status).toBe('active');
    expect(await portal.store.getRegistration(LINDE.ura)).toMatchObject({ status: 'active', administrator: '900016528' });

    const loggedIn = await loginWithQr(new TestBrowser(() => portal), mobile);
    expect(loggedIn).toContain('Welkom, Anna Maria de Vries');
    expect(loggedIn).toMatch(/<td data-field="organisation">TEST Huisartsenpraktijk De Linde<\/td><td>90000382<\/td><td data-field="role">Administrator<\/td>/);

    // Audit: every step, who and outcome; never the code, the birth date, a challenge or bc.
    const audit = (await portal.store.listAudit()).reverse();
    const actions = audit.map((a) => `${a.action}:${a.outcome}`);
    for (const step of [
      'registration.create:ok',
      'organisation.validation.start:ok',
      'handoff.token:ok',
      'handoff.complete.validate-organisation:ok',
      'organisation.confirm:ok',
      'organisation.birth-date:ok',
      'enrolment.issue:ok',
      'enrolment.deliver:ok',
      'enrolment.redeem:ok',
      'organisation.activate:ok',
      'login.mobile:ok',
      'login:ok',
    ]) {
      expect(actions).toContain(step);
    }
    expect(audit.find((a) => a.action === 'organisation.activate')).toMatchObject({ actor: `mobiel:${identity.mobileId}`, detail: { ura: LINDE.ura, role: 'Administrator', branch: 'new' } });
    const text = JSON.stringify(audit);
    const code = first.enrolment!.payload!.split('code=')[1]!;
    expect(text).not.toContain(code);
    expect(text).not.toContain(BIRTH_DATE);
    expect(text).not.toContain(signed.browserCode);
    expect(text).not.toContain(signed.request.challenge);
  });

  it('a Mobiel ID already bound to the UZI-pas holder: organisation active at once, person Administrator', async () => {
    const mobile = createMobileApp({ keyType: 'RSA' });
    await enrolEarlierMobielId(portal, mobile, { now, birthDate: BIRTH_DATE });

    const browser = new TestBrowser(() => portal);
    expect((await f.register()).status).toBe(201);
    const { id, sessionId } = await f.throughCard(browser, LINDE.ura);
    expect((await browser.form(`/organisatie/validatie/${id}/bevestigen`, {})).status).toBe(303);
    const active = await f.page(browser, id);
    expect(active.html).toContain('met uw bestaande ZORG-ID Mobiel ID');
    const app = (await f.appOrganisation(id, sessionId)).body as OrganisationAnswer;
    expect(app).toMatchObject({ state: 'active', branch: 'existing', enrolment: null, organisation: { status: 'active' } });
    // No birth date, no code in this branch.
    expect((await browser.form(`/organisatie/validatie/${id}/code`, {})).status).toBe(409);

    const loggedIn = await loginWithQr(browser, mobile);
    expect(loggedIn).toMatch(/TEST Huisartsenpraktijk De Linde<\/td><td>90000382<\/td><td data-field="role">Administrator</);
    expect(loggedIn).toMatch(/90000999<\/td><td data-field="role">Gebruiker</);
    const activation = (await portal.store.listAudit()).find((a) => a.action === 'organisation.activate');
    expect(activation).toMatchObject({ actor: 'uzi:900016528', outcome: 'ok', detail: { ura: LINDE.ura, branch: 'existing', role: 'Administrator' } });
  });
});

describe('organisation validation: refusals', () => {
  it('URA onbekend in ZORG-ID: on the start page (beside the field) and for a card whose URA has no registration', async () => {
    const browser = new TestBrowser(() => portal);
    await browser.fetch('/');
    const res = await browser.form('/organisatie/valideren', { ura: '99999999', gelezen: 'ja' });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('data-error-for="ura">URA onbekend in ZORG-ID');
    expect(html).toContain('ERR_ORG_URA_UNKNOWN');
    const unchecked = await browser.form('/organisatie/valideren', { ura: '9000038' });
    expect(unchecked.status).toBe(400);
    const text = await unchecked.text();
    expect(text).toContain('data-error-for="ura">Het URA-nummer bestaat uit precies 8 cijfers.');
    expect(text).toContain('data-error-for="gelezen">Vink aan dat u de voorbereidingen heeft gelezen.');

    // A request for a URA without registration (made through the generic handoff API) and a card of
    // exactly that URA: the validator's purpose rule refuses it.
    const raw = await browser.json('/api/handoff', { purpose: 'validate-organisation', ura: '99999999' });
    const { id } = (await raw.json()) as { id: string };
    const { body } = await f.appSigns(id, 'Z-unknown-ura');
    expect(body.code).toBe('ERR_ORG_URA_UNKNOWN');
    const refused = (await portal.store.listAudit()).filter((a) => a.outcome === 'refused').map((a) => a.code);
    expect(refused).toEqual(expect.arrayContaining(['ERR_ORG_URA_UNKNOWN']));
  });

  it('refuses pastype M and S, an expired and a revoked card, and a card of another URA', async () => {
    expect((await f.register()).status).toBe(201);
    const key = pki.deriveKey('portal-org/server-card');
    const serverCard = await pki.issueHolderCertificate({
      ca: 'medewerker-niet-op-naam',
      spkiDer: key.spkiDer,
      usage: 'authentication',
      uzi: { value: '2.16.528.1.1007.99.217-1-900016598-S-90000382-00.000-00000000' },
      holder: { organisation: LINDE.name, commonName: 'server.delinde.test' },
    });
    const cases = [
      { card: 'M-balie', code: 'ERR_TOKEN_CARD_TYPE_NOT_ALLOWED' },
      { card: 'M-balie', override: { certificateDer: new Uint8Array(serverCard), keyPkcs8Der: new Uint8Array(key.keyPkcs8Der) }, code: 'ERR_TOKEN_CARD_TYPE_NOT_ALLOWED' },
      { card: 'Z-expired', code: 'ERR_TOKEN_CERT_EXPIRED' },
      { card: 'Z-revoked', code: 'ERR_TOKEN_CERT_REVOKED' },
      { card: 'Z-4096', code: 'ERR_TOKEN_URA_MISMATCH' },
    ] as const;
    for (const c of cases) {
      const browser = new TestBrowser(() => portal);
      const id = await f.start(browser, LINDE.ura);
      const { body } = await f.appSigns(id, c.card, 'override' in c ? c.override : {});
      expect(body.code, c.card).toBe(c.code);
      expect(((await (await browser.fetch(`/handoff/${id}/status`)).json()) as { state: string; code: string })).toMatchObject({ state: 'failed', code: c.code });
      // Nothing of the flow opens for a refused card.
      expect((await f.page(browser, id)).status).toBe(409);
    }
    expect(await portal.store.getRegistration(LINDE.ura)).toMatchObject({ status: 'pending' });
    const audit = await portal.store.listAudit();
    expect(audit.filter((a) => a.action === 'handoff.token' && a.outcome === 'refused').map((a) => a.code).sort()).toEqual(
      ['ERR_TOKEN_CARD_TYPE_NOT_ALLOWED', 'ERR_TOKEN_CARD_TYPE_NOT_ALLOWED', 'ERR_TOKEN_CERT_EXPIRED', 'ERR_TOKEN_CERT_REVOKED', 'ERR_TOKEN_URA_MISMATCH'].sort(),
    );
  });

  it('registration already finished: at the start, at the token of a second flow, and at its confirmation', async () => {
    const { answer } = await issuedEnrolment();
    // A second administrator started while the first was busy.
    const late = new TestBrowser(() => portal);
    const lateFlow = await f.throughCard(late, LINDE.ura, 'N-medewerker');
    const pending = new TestBrowser(() => portal);
    const pendingId = await f.start(pending, LINDE.ura);
    await createMobileApp().enrol({ png: pngFromDataUrl(answer.enrolment!.qrDataUrl!) }, BIRTH_DATE);

    const again = new TestBrowser(() => portal);
    await again.fetch('/');
    const res = await again.form('/organisatie/valideren', { ura: LINDE.ura, gelezen: 'ja' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Deze organisatieregistratie is al afgerond');
    expect((await f.appSigns(pendingId, 'N-medewerker')).body.code).toBe('ERR_ORG_REGISTRATION_FINISHED');
    const confirm = await late.form(`/organisatie/validatie/${lateFlow.id}/bevestigen`, {});
    expect(confirm.status).toBe(409);
    expect(await confirm.text()).toContain('ERR_ORG_REGISTRATION_FINISHED');
  });

  it('an enrolment code works once; a second redemption is refused', async () => {
    const { png } = await issuedEnrolment();
    await createMobileApp().enrol({ png }, BIRTH_DATE);
    await expect(createMobileApp().enrol({ png }, BIRTH_DATE)).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_USED' });
  });

  it('an enrolment code expires after 10 days (injected clock)', async () => {
    const { png, browser, id } = await issuedEnrolment();
    now += ENROLMENT_TTL_MS;
    await expect(createMobileApp().enrol({ png }, BIRTH_DATE)).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_EXPIRED' });
    // The browser session (8 hours) is long gone; the validation waits for a new code.
    expect((await browser.fetch(`/organisatie/validatie/${id}/status`)).status).toBe(403);
    expect((await portal.store.getValidation(id))?.state).toBe('code-issued');
  });

  it('a code 1 ms before its 10 days is still good', async () => {
    const { png } = await issuedEnrolment();
    now += ENROLMENT_TTL_MS - 1;
    await expect(createMobileApp().enrol({ png }, BIRTH_DATE)).resolves.toMatchObject({ role: 'Administrator' });
  });

  it(`a wrong birth date is refused; after ${ENROLMENT_MAX_ATTEMPTS} wrong ones the code is void, even with the right date`, async () => {
    const { png } = await issuedEnrolment();
    const mobile = createMobileApp();
    for (let attempt = 1; attempt < ENROLMENT_MAX_ATTEMPTS; attempt++) {
      await expect(mobile.enrol({ png }, '1980-04-13')).rejects.toMatchObject({
        code: 'ERR_ENROL_BIRTH_DATE_MISMATCH',
        detail: { attemptsLeft: ENROLMENT_MAX_ATTEMPTS - attempt },
      });
    }
    await expect(mobile.enrol({ png }, '1980-04-13')).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_VOID' });
    await expect(mobile.enrol({ png }, BIRTH_DATE)).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_VOID' });
    const audit = await portal.store.listAudit();
    expect(audit.filter((a) => a.code === 'ERR_ENROL_BIRTH_DATE_MISMATCH')).toHaveLength(ENROLMENT_MAX_ATTEMPTS - 1);
    expect(JSON.stringify(audit)).not.toContain('1980-04-13');
  });

  it('re-issuing voids the previous code; the new one works; the app receives the new QR once', async () => {
    const { png: oldPng, browser, id, sessionId } = await issuedEnrolment();
    expect((await browser.form(`/organisatie/validatie/${id}/code`, {})).status).toBe(303);
    const reissued = (await f.appOrganisation(id, sessionId)).body as OrganisationAnswer;
    expect(reissued.enrolment!.payload).toBeDefined();
    expect(decodeQrPng(oldPng)).not.toBe(reissued.enrolment!.payload);
    await expect(createMobileApp().enrol({ png: oldPng }, BIRTH_DATE)).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_VOID' });
    await expect(createMobileApp().enrol({ payload: reissued.enrolment!.payload! }, BIRTH_DATE)).resolves.toMatchObject({ role: 'Administrator' });
    expect((await portal.store.listAudit()).find((a) => a.action === 'enrolment.issue')).toMatchObject({ detail: { voided: 1 } });
  });

  it('unknown codes, bad device keys and strangers on the back-channel are refused', async () => {
    const { png, id } = await issuedEnrolment();
    const payload = decodeQrPng(png);
    const mobile = createMobileApp();
    await expect(mobile.enrol({ payload: payload.replace(/code=.*$/, 'code=AAAAAAAAAAAAAAAAAAAAAAAA') }, BIRTH_DATE)).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_UNKNOWN' });
    const code = payload.split('code=')[1]!;
    const post = (body: unknown, type = 'application/json') => fetch(`${portal.url}/api/mobile/enrol`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
    const privateJwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' };
    expect(codeOf(await (await post({ code, birthDate: BIRTH_DATE, publicKey: { jwk: privateJwk } })).json())).toBe('ERR_ENROL_DEVICE_KEY_INVALID');
    expect(codeOf(await (await post({ code, birthDate: BIRTH_DATE, publicKey: { spki: 'AAAA'.repeat(20) } })).json())).toBe('ERR_ENROL_DEVICE_KEY_INVALID');
    expect(codeOf(await (await post({ code, birthDate: BIRTH_DATE })).json())).toBe('ERR_PORTAL_BAD_REQUEST');
    // A cross-site form post (text/plain) never reaches the code.
    expect(codeOf(await (await post({ code, birthDate: BIRTH_DATE, publicKey: { spki: 'AAAA'.repeat(20) } }, 'text/plain')).json())).toBe('ERR_PORTAL_BAD_REQUEST');
    // A bad key never costs a birth-date attempt.
    expect((await portal.store.getEnrolmentCode(createHash('sha256').update(code).digest('hex')))?.attempts).toBe(0);

    const stranger = await fetch(`${portal.url}/api/handoff/${id}/organisation`, { headers: { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAA' } });
    expect(stranger.status).toBe(403);
    expect(codeOf(await stranger.json())).toBe('ERR_PORTAL_SESSION_MISMATCH');
    // Another browser cannot see or drive this validation.
    const other = new TestBrowser(() => portal);
    await other.fetch('/');
    expect((await f.page(other, id)).status).toBe(403);
    expect((await other.form(`/organisatie/validatie/${id}/code`, {})).status).toBe(403);
  });

  it('the QR carries the portal origin and an opaque code only: no name, UZI-nummer, URA or birth date', async () => {
    const { png } = await issuedEnrolment();
    const text = decodeQrPng(png);
    expect(text).toMatch(new RegExp(`^zorgid://enrol\\?portal=${encodeURIComponent(portal.origin).replace(/\./g, '\\.')}&code=[A-Za-z0-9_-]{24}$`));
    for (const personal of ['Anna', 'Vries', '900016528', LINDE.ura, BIRTH_DATE, '1980', 'Linde']) expect(decodeURIComponent(text)).not.toContain(personal);
    const landing = await (await new TestBrowser(() => portal).fetch('/')).text();
    expect(decodeQrPng(pngFromDataUrl(loginQrDataUrl(landing)))).toMatch(/^zorgid:\/\/login\?portal=[^&]+&code=[A-Za-z0-9_-]{24}$/);
  });
});

describe('Mobile App login via the login QR', () => {
  it('refuses an unknown, expired or used login code, an unknown Mobiel ID and a signature by another device', async () => {
    const { png } = await issuedEnrolment();
    const mobile = createMobileApp();
    await mobile.enrol({ png }, BIRTH_DATE);
    const browser = new TestBrowser(() => portal);
    const qr = async () => decodeQrPng(pngFromDataUrl(loginQrDataUrl(await (await browser.fetch('/')).text())));

    await expect(mobile.login({ payload: (await qr()).replace(/code=.*$/, 'code=AAAAAAAAAAAAAAAAAAAAAAAA') })).rejects.toMatchObject({ code: 'ERR_MOBILE_LOGIN_CODE_UNKNOWN' });
    const stale = await qr();
    now += 5 * 60_000;
    await expect(mobile.login({ payload: stale })).rejects.toMatchObject({ code: 'ERR_MOBILE_LOGIN_CODE_EXPIRED' });

    // Another device claiming this Mobiel ID: its key does not match.
    const thief = createMobileApp();
    const fresh = await qr();
    const code = fresh.split('code=')[1]!;
    const mobileId = mobile.identities()[0]!.mobileId;
    const forged = await fetch(`${portal.url}/api/mobile/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, mobileId, signature: Buffer.alloc(64, 7).toString('base64url'), confirmCode: '123 456' }) });
    expect(codeOf(await forged.json())).toBe('ERR_MOBILE_SIGNATURE_INVALID');
    const unknown = await fetch(`${portal.url}/api/mobile/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, mobileId: 'B'.repeat(22), signature: Buffer.alloc(64, 7).toString('base64url'), confirmCode: '123 456' }) });
    expect(codeOf(await unknown.json())).toBe('ERR_MOBILE_ID_UNKNOWN');
    await expect(thief.login({ payload: fresh })).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_UNKNOWN' });

    await mobile.login({ payload: fresh });
    await expect(mobile.login({ payload: fresh })).rejects.toMatchObject({ code: 'ERR_MOBILE_LOGIN_CODE_USED' });
    // Only the browser whose QR it was is logged in; a second completion finds nothing.
    expect(await (await browser.json('/api/login-qr/complete', {})).json()).toEqual({ outcome: 'ok', next: '/ingelogd' });
    expect(await (await new TestBrowser(() => portal).json('/api/login-qr/complete', {})).json()).toEqual({ outcome: 'pending' });
    const session = (await (await browser.fetch('/api/session')).json()) as { active: boolean };
    expect(session.active).toBe(true);
  });
});
