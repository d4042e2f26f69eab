// Administration rules (portal-rules.md §4–§9, manual 000 §4–§9, 002, 004), one test per rule, over
// real loopback HTTP with a real SQLite file and the Mobile App simulator reading QR codes from PNGs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeQrPng, pngFromDataUrl, createMobileApp } from '../test/fakes/mobile-app';
import { ENROLMENT_TTL_MS } from './organisation';
import { DAY, ORG_A, ORG_B, T0, api, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';
import { TestBrowser } from './test/org-flow';

let world: AdminWorld;
let admin: Member;

beforeEach(async () => {
  world = await createAdminWorld();
  admin = await world.member({ ura: ORG_A.ura, role: 'Administrator', name: ['Anna', 'de Vries'] });
}, 60_000);
afterEach(async () => world.close());

const users = (ura = ORG_A.ura) => `/api/beheer/organisaties/${ura}/gebruikers`;
const user = (id: string, ura = ORG_A.ura) => `${users(ura)}/${id}`;
const qrOf = (html: string) => /<img id="enrolment-qr" src="(data:image\/png;base64,[A-Za-z0-9+/=]+)"/.exec(html)?.[1];

async function register(by: Member, body: Record<string, unknown>) {
  return api(by.browser, 'POST', '/api/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: 'Eva', achternaam: 'Jansen', geboortedatum: '1990-02-03', ...body });
}

describe('register a user (§4, 002, 004)', () => {
  it('registers a user with role Gebruiker and shows the enrolment QR once, valid 10 days', async () => {
    const browser = admin.browser;
    const form = await (await browser.fetch('/beheer/gebruikers/nieuw')).text();
    for (const label of ['Organisatie', 'Voornaam', 'Achternaam', 'Geboortedatum']) expect(form).toContain(`>${label}</label>`);
    const res = await browser.form('/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: '  Eva ', achternaam: 'Jansen', geboortedatum: '1990-02-03', bezorging: 'browser' });
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html).toContain('deze QR-code wordt maar één keer getoond');
    expect(html).toContain(`Geldig tot ${new Date(T0 + ENROLMENT_TTL_MS).toISOString().replace('T', ' ').slice(0, 16)} UTC (10 dagen)`);
    const text = decodeQrPng(pngFromDataUrl(qrOf(html)!));
    // The QR carries the portal and an opaque code only: nothing of the person.
    expect(text).toMatch(/^zorgid:\/\/enrol\?portal=[^&]+&code=[A-Za-z0-9_-]{24}$/);
    expect(text).not.toMatch(/Eva|Jansen|1990/);
    const id = /ZORG-ID ID <strong id="zorg-id-id">(ZID-[0-9A-Z-]+)<\/strong>/.exec(html)![1]!;
    const view = await api(browser, 'GET', user(id));
    expect(view.json.user).toMatchObject({ name: 'Eva Jansen', givenName: 'Eva', role: 'Gebruiker', status: 'wacht-op-activatie', openCode: { expiresAt: new Date(T0 + ENROLMENT_TTL_MS).toISOString() } });
    // Closing the pop-up: the user page never shows that code again, and the database has only its hash.
    const page = await (await browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers/${id}`)).text();
    expect(qrOf(page)).toBeUndefined();
    expect(JSON.stringify(world.state())).not.toContain(text.split('code=')[1]);
    // The employee scans it and logs in.
    const phone = createMobileApp();
    expect(await phone.enrol({ png: pngFromDataUrl(qrOf(html)!) }, '1990-02-03')).toMatchObject({ name: 'Eva Jansen', role: 'Gebruiker', zorgIdId: id });
    await world.login(new TestBrowser(() => world.portal), phone);
    expect((await api(browser, 'GET', user(id))).json.user).toMatchObject({ status: 'actief', lastUsedAt: new Date(T0).toISOString() });
  });

  it('expires the enrolment QR after 10 days', async () => {
    const r = await register(admin, {});
    world.now.value = T0 + ENROLMENT_TTL_MS;
    const phone = createMobileApp();
    await expect(phone.enrol({ payload: (r.json.enrolment as { payload: string }).payload }, '1990-02-03')).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_EXPIRED' });
  });

  it('accepts names with diacritics, spaces, hyphens and apostrophes, trimmed', async () => {
    for (const [voornaam, achternaam] of [
      ['Zoë', "d'Ancona"],
      ['Anne-Marie', 'van der Berg'],
      ['  Łukasz ', "’t Hart"],
    ] as const) {
      const r = await register(admin, { voornaam, achternaam });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      expect((r.json.user as { name: string }).name).toBe(`${voornaam.trim()} ${achternaam}`);
    }
  });

  it('API: answers the QR once in the JSON, with a handoff option for the desktop app', async () => {
    const r = await register(admin, {});
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ outcome: 'ok', enrolment: { delivery: 'browser', expiresAt: new Date(T0 + ENROLMENT_TTL_MS).toISOString() }, handoff: null });
    const desk = await register(admin, { voornaam: 'Bram', bezorging: 'desktop' });
    expect(desk.status).toBe(201);
    expect(desk.json.enrolment).toEqual({ delivery: 'desktop', expiresAt: new Date(T0 + ENROLMENT_TTL_MS).toISOString() });
    expect(desk.json.handoff).toMatchObject({ purpose: 'enrol-user', appUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:24761\/handoff\?portal=/) });
  });
});

describe('bad input on every form: Dutch error beside the field, nothing changed', () => {
  const LONG = 'a'.repeat(101);
  const registerCases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['empty first name', { voornaam: '   ' }, 'voornaam', /Vul de voornaam in/],
    ['too long surname', { achternaam: LONG }, 'achternaam', /te lang \(maximaal 100 tekens\)/],
    ['script tag', { voornaam: '<script>alert(1)</script>' }, 'voornaam', /alleen letters, spaties, koppeltekens en apostroffen/],
    ['digits', { achternaam: 'Jansen2' }, 'achternaam', /alleen letters/],
    ['future birth date', { geboortedatum: '2027-01-01' }, 'geboortedatum', /in het verleden liggen/],
    ['too young', { geboortedatum: '2011-06-02' }, 'geboortedatum', /tussen 16 en 120 jaar/],
    ['too old', { geboortedatum: '1905-05-31' }, 'geboortedatum', /tussen 16 en 120 jaar/],
    ['no such date', { geboortedatum: '1990-02-30' }, 'geboortedatum', /bestaat niet/],
    ['wrong format', { geboortedatum: '03-02-1990' }, 'geboortedatum', /JJJJ-MM-DD/],
    ['wrong type (number)', { voornaam: 12 }, 'voornaam', /Vul de voornaam in/],
    ['wrong type (array)', { geboortedatum: ['1990-02-03'] }, 'geboortedatum', /Vul de geboortedatum in/],
    ['no organisation', { organisatie: '' }, 'organisatie', /Kies een organisatie/],
    ['unknown delivery', { bezorging: 'fax' }, 'bezorging', /Kies waar de QR-code getoond wordt/],
  ];

  it.each(registerCases)('register user, %s', async (_name, body, fieldName, message) => {
    const before = world.state();
    const r = await register(admin, body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ outcome: 'refused', code: 'ERR_ADMIN_INVALID_INPUT' });
    expect((r.json.fields as Record<string, string>)[fieldName]).toMatch(message);
    expect(world.state()).toEqual(before);
  });

  it('register user page: the error stands beside its field, the value is escaped', async () => {
    const before = world.state();
    const res = await admin.browser.form('/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: '<script>alert(1)</script>', achternaam: '', geboortedatum: '2030-01-01' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;" autocomplete="off" aria-describedby="voornaam-hint voornaam-error" aria-invalid="true">');
    expect(html).toMatch(/<p class="field-error" id="voornaam-error" data-error-for="voornaam">Gebruik in de voornaam alleen letters/);
    expect(html).toMatch(/<p class="field-error" id="achternaam-error" data-error-for="achternaam">Vul de achternaam in\.<\/p>/);
    expect(html).toMatch(/<p class="field-error" id="geboortedatum-error" data-error-for="geboortedatum">De geboortedatum moet in het verleden liggen\.<\/p>/);
    expect(world.state()).toEqual(before);
  });

  it('the other forms: existing user, block, role, attribute, confirmations, new certificate', async () => {
    const target = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    const u = user(target.person.id);
    const cases: Array<[string, string, Record<string, unknown>, number, string, string, RegExp]> = [
      ['existing: empty id', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_A.ura, zorgIdId: '', geboortedatum: '1980-04-12' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'zorgIdId', /Vul de ZORG-ID ID in/],
      ['existing: script', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_A.ura, zorgIdId: '<script>', geboortedatum: '1980-04-12' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'zorgIdId', /ZID-XXXX-XXXX-XXXX/],
      ['existing: future date', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_A.ura, zorgIdId: target.person.id, geboortedatum: '2099-01-01' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'geboortedatum', /verleden/],
      ['block: no reason', `${u}/blokkeren`, {}, 400, 'ERR_ADMIN_INVALID_INPUT', 'reden', /Kies een reden uit de lijst/],
      ['block: reason not on the list', `${u}/blokkeren`, { reden: 'zomaar' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'reden', /Kies een reden uit de lijst/],
      ['role: unknown', `${u}/rol`, { rol: 'Signer<script>' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'rol', /Kies een rol/],
      ['attribute: empty taakcode', `${u}/attributen`, { type: 'taakcode', taakcode: ' ' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'taakcode', /Vul de taakcode in/],
      ['attribute: too long', `${u}/attributen`, { type: 'taakcode', taakcode: 'A'.repeat(36) }, 400, 'ERR_ADMIN_INVALID_INPUT', 'taakcode', /te lang/],
      ['attribute: script', `${u}/attributen`, { type: 'taakcode', taakcode: '<b>x</b>' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'taakcode', /alleen letters, cijfers/],
      ['attribute: wrong type', `${u}/attributen`, { type: 7, taakcode: 'T1' }, 400, 'ERR_ADMIN_INVALID_INPUT', 'type', /Kies een type/],
      ['unblock: not confirmed', `${u}/activeren`, {}, 400, 'ERR_ADMIN_CONFIRMATION_REQUIRED', 'bevestigd', /Bevestig/],
      ['revoke: not confirmed', `${u}/intrekken`, { bevestigd: true }, 400, 'ERR_ADMIN_CONFIRMATION_REQUIRED', 'bevestigd', /Bevestig/],
      ['remove: not confirmed', `${u}/verwijderen`, { bevestigd: 'nee' }, 400, 'ERR_ADMIN_CONFIRMATION_REQUIRED', 'bevestigd', /Bevestig/],
      ['new certificate: bad delivery', `${u}/certificaat`, { bezorging: ['desktop'] }, 400, 'ERR_ADMIN_INVALID_INPUT', 'bezorging', /Kies waar/],
    ];
    for (const [name, path, body, status, code, fieldName, message] of cases) {
      const before = world.state();
      const r = await api(admin.browser, 'POST', path, body);
      expect(r.status, name).toBe(status);
      expect(r.json.code, name).toBe(code);
      expect((r.json.fields as Record<string, string>)[fieldName], name).toMatch(message);
      expect(world.state(), name).toEqual(before);
    }
    // Not JSON at all: refused before anything is read.
    const before = world.state();
    const raw = await admin.browser.fetch(`${u}/blokkeren`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: world.portal.origin }, body: 'reden=beveiligingsincident' });
    expect(raw.status).toBe(400);
    expect(world.state()).toEqual(before);
    // The block form on the user page: the error beside the select.
    const page = await admin.browser.form(`/beheer/organisaties/${ORG_A.ura}/gebruikers/${target.person.id}/blokkeren`, { reden: '' });
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/<select id="reden" name="reden" aria-invalid="true" aria-describedby="reden-error">[\s\S]*<p class="field-error" id="reden-error" data-error-for="reden">Kies een reden uit de lijst\.<\/p>/);
    expect(world.state()).toEqual(before);
  });
});

describe('users of an organisation (§7.1–§7.3)', () => {
  it('lists all users of an organisation and, after more than four weeks without use, the inactive ones', async () => {
    const recent = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', name: ['Recent', 'Gebruikt'] });
    const old = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', name: ['Lang', 'Geleden'] });
    await world.member({ ura: ORG_B.ura, role: 'Gebruiker', name: ['Andere', 'Organisatie'] });
    // 29 days later the admin and "recent" log in again; "old" last logged in 29 days ago.
    world.now.value = T0 + 29 * DAY;
    await world.login(new TestBrowser(() => world.portal), recent.mobile);
    await world.login(admin.browser, admin.mobile);
    const all = await api(admin.browser, 'GET', users());
    expect((all.json.users as Array<{ name: string }>).map((u) => u.name).sort()).toEqual(['Anna de Vries', 'Lang Geleden', 'Recent Gebruikt']);
    const inactive = await api(admin.browser, 'GET', `${users()}?inactief=ja`);
    expect(inactive.json.users).toEqual([expect.objectContaining({ zorgIdId: old.person.id, inactive: true })]);
    // Exactly four weeks is not yet "more than four weeks".
    world.now.value = T0 + 28 * DAY;
    expect(((await api(admin.browser, 'GET', `${users()}?inactief=ja`)).json.users as unknown[]).length).toBe(0);
    const page = await (await admin.browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers?inactief=ja`)).text();
    expect(page).toContain('meer dan vier weken geen gebruik');
  });

  it('registers attributes (type, organisation, taakcode) per organisation', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/attributen`, { type: 'taakcode', taakcode: 'HA-01' });
    expect(r.status).toBe(200);
    expect((r.json.user as { attributes: unknown }).attributes).toEqual([{ type: 'taakcode', taakcode: 'HA-01' }]);
    const audit = (await world.portal.store.listAudit(5)).find((a) => a.action === 'admin.user.attributes')!;
    expect(audit).toMatchObject({ actor: `zorgid:${admin.person.id}`, outcome: 'ok', detail: { ura: ORG_A.ura, target: t.person.id, type: 'taakcode', taakcode: 'HA-01' } });
  });
});

describe('block, unblock, revoke, new certificate (§7.4–§7.6)', () => {
  it('blocks with a reason from the fixed list, nationally: the ID is refused in every organisation', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker' });
    await world.portal.store.putMembership({ personId: t.person.id, ura: ORG_B.ura, role: 'Gebruiker', createdAt: T0 });
    const adminB = await world.member({ ura: ORG_B.ura, role: 'Administrator' });
    // A national block reaches B: only an actor with rights in B as well may do it (issue 15 item 1).
    const refusedBlock = await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'verdachte-activiteit' });
    expect(refusedBlock).toMatchObject({ status: 403, json: { code: 'ERR_ADMIN_OTHER_ORGANISATION' } });
    await world.portal.store.putMembership({ personId: admin.person.id, ura: ORG_B.ura, role: 'Administrator', createdAt: T0 });
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'verdachte-activiteit' });
    await world.portal.store.removeMembership(admin.person.id, ORG_B.ura);
    expect(r.status).toBe(200);
    expect((await world.portal.store.listAudit(10)).find((a) => a.action === 'admin.user.block' && a.outcome === 'ok')).toMatchObject({ detail: { otherOrganisations: [ORG_B.ura] } });
    expect(r.json.user).toMatchObject({ status: 'geblokkeerd', blockReason: 'verdachte-activiteit' });
    // Organisation B sees the block too.
    expect((await api(adminB.browser, 'GET', user(t.person.id, ORG_B.ura))).json.user).toMatchObject({ status: 'geblokkeerd' });
    await expect(world.login(new TestBrowser(() => world.portal), t.mobile)).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_BLOCKED' });
    expect(await t.mobile.idStatus(undefined, world.now.value)).toMatchObject({ status: 'blocked', usable: false, code: 'ERR_MOBILE_ID_BLOCKED' });
    // A session opened before the block has no administration rights any more either.
    expect((await api(t.browser, 'GET', '/api/beheer')).status).toBe(401);
  });

  it('refuses to block the only administrator', async () => {
    // A beheerder is no administrator: the organisation still has only one.
    await world.member({ ura: ORG_A.ura, role: 'Beheerder', login: false });
    const before = world.state();
    const r = await api(admin.browser, 'POST', `${user(admin.person.id)}/blokkeren`, { reden: 'beveiligingsincident' });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ code: 'ERR_ADMIN_ONLY_ADMINISTRATOR', message: expect.stringContaining('enige administrator') });
    expect(world.state()).toEqual(before);
    // With a second administrator the first may be blocked.
    const second = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    expect((await api(second.browser, 'POST', `${user(admin.person.id)}/blokkeren`, { reden: 'beveiligingsincident' })).status).toBe(200);
  });

  it('refuses to block a user without a Mobiel ID', async () => {
    const p = await world.registered(ORG_A.ura);
    const before = world.state();
    const r = await api(admin.browser, 'POST', `${user(p.id)}/blokkeren`, { reden: 'beveiligingsincident' });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('ERR_ADMIN_NO_MOBILE_ID');
    expect(world.state()).toEqual(before);
  });

  it('unblocks ("Activeren") only after confirmation', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'vertrouwensbreuk' });
    const base = `/beheer/organisaties/${ORG_A.ura}/gebruikers/${t.person.id}`;
    const question = await (await admin.browser.fetch(`${base}/activeren`)).text();
    expect(question).toContain('Gebruiker activeren');
    expect(question).toMatch(/<button type="submit" class="primary" id="confirm">Activeren<\/button> <a class="button" href="[^"]+" id="cancel">Annuleren<\/a>/);
    const before = world.state();
    const unconfirmed = await admin.browser.form(`${base}/activeren`, {});
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Bevestig deze handeling eerst.');
    expect(world.state()).toEqual(before);
    const ok = await admin.browser.form(`${base}/activeren`, { bevestigd: 'ja' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`${base}?melding=geactiveerd`);
    await world.login(new TestBrowser(() => world.portal), t.mobile);
  });

  it('revokes the certificate only of a blocked user', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    const before = world.state();
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/intrekken`, { bevestigd: 'ja' });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('ERR_ADMIN_NOT_BLOCKED');
    expect(world.state()).toEqual(before);
  });

  it('revocation is irreversible and the Mobile App sees its ID as unusable', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'apparaat-verloren' });
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/intrekken`, { bevestigd: 'ja' });
    expect(r.status).toBe(200);
    expect(r.json.user).toMatchObject({ status: 'ingetrokken', certificates: [{ status: 'revoked', revokedAt: new Date(T0).toISOString() }] });
    // No way back: "Activeren" finds nothing blocked, a second revoke nothing either.
    expect((await api(admin.browser, 'POST', `${user(t.person.id)}/activeren`, { bevestigd: 'ja' })).json.code).toBe('ERR_ADMIN_NOT_BLOCKED');
    expect((await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'beveiligingsincident' })).json.code).toBe('ERR_ADMIN_NO_MOBILE_ID');
    expect(await t.mobile.idStatus(undefined, world.now.value)).toEqual({ mobileId: t.mobile.identities()[0]!.mobileId, status: 'revoked', usable: false, code: 'ERR_MOBILE_ID_REVOKED' });
    await expect(world.login(new TestBrowser(() => world.portal), t.mobile)).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_REVOKED' });
  });

  it('issues a new certificate as a new QR (10 days) and voids the old code', async () => {
    const first = await register(admin, {});
    const id = (first.json.user as { zorgIdId: string }).zorgIdId;
    const oldPayload = (first.json.enrolment as { payload: string }).payload;
    world.now.value = T0 + 60 * 60_000;
    const renewed = await api(admin.browser, 'POST', `${user(id)}/certificaat`, {});
    expect(renewed.status).toBe(201);
    expect(renewed.json.enrolment).toMatchObject({ delivery: 'browser', expiresAt: new Date(T0 + 60 * 60_000 + ENROLMENT_TTL_MS).toISOString() });
    const newPayload = (renewed.json.enrolment as { payload: string }).payload;
    expect(newPayload).not.toBe(oldPayload);
    const phone = createMobileApp();
    await expect(phone.enrol({ payload: oldPayload }, '1990-02-03')).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_VOID' });
    await phone.enrol({ payload: newPayload }, '1990-02-03');
    expect((await world.portal.store.listAudit(20)).find((a) => a.action === 'admin.user.new-certificate')).toMatchObject({ outcome: 'ok', detail: { voided: 1 } });
  });

  it('refuses a new certificate while the user is blocked (revoke or activate first)', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'beveiligingsincident' });
    const before = world.state();
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/certificaat`, {});
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('ERR_ADMIN_USER_BLOCKED');
    expect(world.state()).toEqual(before);
  });

  it('refuses a beheerder who manages an administrator or another beheerder', async () => {
    const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    const other = await world.member({ ura: ORG_A.ura, role: 'Beheerder', login: false });
    for (const [target, path, body] of [
      [admin.person.id, 'blokkeren', { reden: 'beveiligingsincident' }],
      [other.person.id, 'blokkeren', { reden: 'beveiligingsincident' }],
      [other.person.id, 'verwijderen', { bevestigd: 'ja' }],
      [other.person.id, 'certificaat', {}],
    ] as const) {
      const before = world.state();
      const r = await api(beheerder.browser, 'POST', `${user(target)}/${path}`, body);
      expect(r.status).toBe(403);
      expect(r.json.code).toBe('ERR_ADMIN_FORBIDDEN');
      expect(world.state()).toEqual(before);
    }
  });
});

describe('roles (§5)', () => {
  it('an administrator assigns a role with a new 10-day QR; the role applies at once', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker' });
    expect((await api(t.browser, 'GET', users())).status).toBe(403);
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/rol`, { rol: 'Beheerder' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ user: { role: 'Beheerder' }, enrolment: { delivery: 'browser', expiresAt: new Date(T0 + ENROLMENT_TTL_MS).toISOString() } });
    expect((await api(t.browser, 'GET', users())).status).toBe(200);
    // The QR gives the user's phone the ID with the new role.
    const phone = createMobileApp();
    expect(await phone.enrol({ payload: (r.json.enrolment as { payload: string }).payload }, '1980-04-12')).toMatchObject({ role: 'Beheerder', zorgIdId: t.person.id });
    expect((await world.portal.store.listAudit(30)).find((a) => a.action === 'admin.user.role')).toMatchObject({ outcome: 'ok', detail: { from: 'Gebruiker', to: 'Beheerder', ura: ORG_A.ura } });
  });

  it('refuses to take the role away from the only administrator', async () => {
    const before = world.state();
    const r = await api(admin.browser, 'POST', `${user(admin.person.id)}/rol`, { rol: 'Gebruiker' });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('ERR_ADMIN_ONLY_ADMINISTRATOR');
    expect(world.state()).toEqual(before);
  });
});

describe('memberships (§8)', () => {
  it('adds an existing user by ZORG-ID ID and birth date; both must match', async () => {
    const adminB = await world.member({ ura: ORG_B.ura, role: 'Administrator' });
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', birthDate: '1985-07-01', login: false });
    const before = world.state();
    for (const body of [
      { organisatie: ORG_B.ura, zorgIdId: t.person.id, geboortedatum: '1985-07-02' },
      { organisatie: ORG_B.ura, zorgIdId: 'ZID-0000-0000-0000', geboortedatum: '1985-07-01' },
    ]) {
      const r = await api(adminB.browser, 'POST', '/api/beheer/gebruikers/bestaand', body);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'ERR_ADMIN_MEMBER_MISMATCH', fields: { zorgIdId: 'De ZORG-ID ID en de geboortedatum horen niet bij dezelfde gebruiker.' } });
      expect(world.state()).toEqual(before);
    }
    // Typed the way people type it: lower case, without dashes.
    const ok = await api(adminB.browser, 'POST', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_B.ura, zorgIdId: t.person.id.toLowerCase().replace(/-/g, ' '), geboortedatum: '1985-07-01' });
    expect(ok.status).toBe(201);
    expect(ok.json.user).toMatchObject({ zorgIdId: t.person.id, role: 'Gebruiker' });
    const again = await api(adminB.browser, 'POST', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_B.ura, zorgIdId: t.person.id, geboortedatum: '1985-07-01' });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('ERR_ADMIN_MEMBER_EXISTS');
  });

  it('removes a membership: local attributes go, national attributes and other memberships stay', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    await world.portal.store.putMembership({ personId: t.person.id, ura: ORG_B.ura, role: 'Gebruiker', createdAt: T0 });
    await world.portal.store.addAttribute({ personId: t.person.id, ura: ORG_A.ura, type: 'taakcode', taakcode: 'A-1', createdAt: T0 });
    await world.portal.store.addAttribute({ personId: t.person.id, ura: ORG_B.ura, type: 'taakcode', taakcode: 'B-1', createdAt: T0 });
    const r = await api(admin.browser, 'POST', `${user(t.person.id)}/verwijderen`, { bevestigd: 'ja' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ removed: { zorgIdId: t.person.id, ura: ORG_A.ura, attributesRemoved: 1 } });
    expect(await world.portal.store.getMembership(t.person.id, ORG_A.ura)).toBeNull();
    expect(await world.portal.store.listAttributes(t.person.id, ORG_A.ura)).toEqual([]);
    expect(await world.portal.store.listAttributes(t.person.id, ORG_B.ura)).toMatchObject([{ taakcode: 'B-1' }]);
    expect(await world.portal.store.getPerson(t.person.id)).toEqual(t.person);
    expect((await world.portal.store.listMobileIdsOfPerson(t.person.id))[0]!.status).toBe('active');
    expect((await api(admin.browser, 'GET', user(t.person.id))).status).toBe(404);
  });

  it('refuses to remove the only administrator', async () => {
    const before = world.state();
    const r = await api(admin.browser, 'POST', `${user(admin.person.id)}/verwijderen`, { bevestigd: 'ja' });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('ERR_ADMIN_ONLY_ADMINISTRATOR');
    expect(world.state()).toEqual(before);
  });
});

describe('lost PIN (§9.2): block "apparaat verloren" → revoke → new certificate', () => {
  it('guides through the three steps; the reinstalled app enrols with the new QR and logs in', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', name: ['Piet', 'Pincode'] });
    const base = `/beheer/organisaties/${ORG_A.ura}/gebruikers/${t.person.id}`;
    const step = async () => {
      const html = await (await admin.browser.fetch(`${base}/pincode-kwijt`)).text();
      return /data-step="([a-z-]+)" data-state="nu"/.exec(html)?.[1] ?? (html.includes('id="lost-pin-done"') ? 'done' : 'none');
    };
    expect(await step()).toBe('block');
    let res = await admin.browser.form(`${base}/blokkeren`, { reden: 'apparaat-verloren', terug: 'pincode-kwijt' });
    expect(res.headers.get('location')).toBe(`${base}/pincode-kwijt`);
    expect(await step()).toBe('revoke');
    res = await admin.browser.form(`${base}/intrekken`, { bevestigd: 'ja', terug: 'pincode-kwijt' });
    expect(res.headers.get('location')).toBe(`${base}/pincode-kwijt`);
    expect(await step()).toBe('new-certificate');
    expect(await t.mobile.idStatus(undefined, world.now.value)).toMatchObject({ status: 'revoked', usable: false });
    res = await admin.browser.form(`${base}/certificaat`, { bezorging: 'browser' });
    expect(res.status).toBe(201);
    const png = pngFromDataUrl(qrOf(await res.text())!);
    expect(await step()).toBe('done');
    // The old phone stays unusable; the reinstalled app (no backup) enrols with the new QR.
    await expect(world.login(new TestBrowser(() => world.portal), t.mobile)).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_REVOKED' });
    const reinstalled = createMobileApp();
    expect(await reinstalled.enrol({ png }, '1980-04-12')).toMatchObject({ zorgIdId: t.person.id, name: 'Piet Pincode' });
    await world.login(new TestBrowser(() => world.portal), reinstalled);
    expect(await reinstalled.idStatus(undefined, world.now.value)).toMatchObject({ status: 'active', usable: true, code: null });
    const audit = (await world.portal.store.listAudit(50)).filter((a) => a.action.startsWith('admin.') && a.outcome === 'ok').map((a) => [a.action, a.detail?.reason ?? null]);
    expect(audit.reverse()).toEqual([
      ['admin.user.block', 'apparaat-verloren'],
      ['admin.user.revoke', null],
      ['admin.user.new-certificate', null],
    ]);
  });
});

describe('on-site registration: the QR in ZORG-ID Desktop (handoff purpose enrol-user)', () => {
  it('hands the QR to the app once over the back-channel and never to the browser', async () => {
    const res = await admin.browser.form('/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: 'Daan', achternaam: 'Bureau', geboortedatum: '1995-09-09', bezorging: 'desktop' });
    expect(res.status).toBe(303);
    const id = /^\/handoff\/([A-Za-z0-9_-]{22})\/start$/.exec(res.headers.get('location') ?? '')![1]!;
    const start = await (await admin.browser.fetch(`/handoff/${id}/start`)).text();
    expect(start).toContain('een gebruiker registreren');
    // The app: the request, then the QR payload — once.
    const request = (await (await fetch(`${world.portal.url}/api/handoff/${id}`)).json()) as Record<string, unknown>;
    expect(request).toMatchObject({ purpose: 'enrol-user', ura: ORG_A.ura });
    const first = await fetch(`${world.portal.url}/api/handoff/${id}/enrolment`);
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { user: { name: string; zorgIdId: string }; enrolment: { payload: string; qrDataUrl: string; expiresAt: string } };
    expect(answer).toMatchObject({ purpose: 'enrol-user', organisation: { ura: ORG_A.ura, name: ORG_A.name }, user: { name: 'Daan Bureau' }, enrolment: { expiresAt: new Date(T0 + ENROLMENT_TTL_MS).toISOString() } });
    expect(decodeQrPng(pngFromDataUrl(answer.enrolment.qrDataUrl))).toBe(answer.enrolment.payload);
    const second = await fetch(`${world.portal.url}/api/handoff/${id}/enrolment`);
    expect(second.status).toBe(409);
    expect(JSON.stringify(world.state())).not.toContain(answer.enrolment.payload.split('code=')[1]);
    // The browser follows: done → result page; it never saw the QR.
    const done = await admin.browser.json(`/handoff/${id}/complete`, { bc: 'x'.repeat(22) });
    expect(done.status).toBe(200);
    const next = ((await done.json()) as { next: string }).next;
    const back = await admin.browser.fetch(next);
    expect(back.headers.get('location')).toBe(`/beheer/inschrijving/${id}`);
    const sent = await (await admin.browser.fetch(`/beheer/inschrijving/${id}`)).text();
    expect(sent).toContain('ZORG-ID Desktop toont de QR-code voor Daan Bureau');
    expect(sent).not.toContain('data:image/png');
    // The employee scans the QR from the desktop app's screen and logs in.
    const phone = createMobileApp();
    await phone.enrol({ png: pngFromDataUrl(answer.enrolment.qrDataUrl) }, '1995-09-09');
    await world.login(new TestBrowser(() => world.portal), phone);
    // Another browser cannot follow someone else's enrol-user request.
    expect((await new TestBrowser(() => world.portal).json(`/handoff/${id}/complete`, {})).status).toBe(403);
  });

  it('refuses a second fetch, an expired request and other purposes', async () => {
    const desk = await register(admin, { bezorging: 'desktop' });
    const id = (desk.json.handoff as { id: string }).id;
    world.now.value = T0 + 5 * 60_000;
    expect((await fetch(`${world.portal.url}/api/handoff/${id}/enrolment`)).status).toBe(410);
    // The unfetched QR is gone from the database once its request expired.
    expect(world.state().enrolment_handoffs).toEqual([expect.objectContaining({ handoff_id: id, payload: null, delivered_at: null })]);
    world.now.value = T0;
    const login = await api(admin.browser, 'POST', '/api/handoff', { purpose: 'login' });
    expect((await fetch(`${world.portal.url}/api/handoff/${(login.json as { id: string }).id}/enrolment`)).status).toBe(404);
  });
});

describe('the gate of every route', () => {
  it('refuses without login (401), from a foreign origin (403), and a user outside the organisation (404)', async () => {
    const anonymous = new TestBrowser(() => world.portal);
    expect((await api(anonymous, 'GET', users())).status).toBe(401);
    expect((await anonymous.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers`)).status).toBe(303);
    // The pages go through the same gate as the API: a Gebruiker gets the Dutch 403 page.
    const employee = await world.member({ ura: ORG_A.ura, role: 'Gebruiker' });
    const denied = await employee.browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers`);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('U heeft geen rechten voor deze handeling bij deze organisatie.');
    expect((await employee.browser.form('/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: 'Eva', achternaam: 'Jansen', geboortedatum: '1990-02-03' })).status).toBe(403);
    const t = await world.member({ ura: ORG_B.ura, role: 'Gebruiker', login: false });
    const before = world.state();
    const foreign = await admin.browser.fetch(`${user(t.person.id)}/blokkeren`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ reden: 'beveiligingsincident' }),
    });
    expect(foreign.status).toBe(403);
    const outside = await api(admin.browser, 'POST', `${user(t.person.id)}/blokkeren`, { reden: 'beveiligingsincident' });
    expect(outside.status).toBe(404);
    expect(outside.json.code).toBe('ERR_ADMIN_USER_NOT_FOUND');
    expect(world.state()).toEqual(before);
  });

  it('writes an audit record for each change: who, what, when, organisation, outcome — no birth date or code', async () => {
    const r = await register(admin, {});
    await api(admin.browser, 'POST', '/api/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: '', achternaam: 'X', geboortedatum: '1990-02-03' });
    const records = await world.portal.store.listAudit(10);
    const ok = records.find((a) => a.action === 'admin.user.register' && a.outcome === 'ok')!;
    expect(ok).toMatchObject({ actor: `zorgid:${admin.person.id}`, at: T0, detail: { ura: ORG_A.ura, target: (r.json.user as { zorgIdId: string }).zorgIdId, role: 'Gebruiker' } });
    const refusedRecord = records.find((a) => a.action === 'admin.user.register' && a.outcome === 'refused')!;
    expect(refusedRecord).toMatchObject({ code: 'ERR_ADMIN_INVALID_INPUT', detail: { fields: ['voornaam'] } });
    const all = JSON.stringify(records);
    expect(all).not.toContain('1990-02-03');
    expect(all).not.toContain((r.json.enrolment as { payload: string }).payload.split('code=')[1]);
  });

  it('shows the administration pages in Dutch to an administrator', async () => {
    const home = await (await admin.browser.fetch('/beheer')).text();
    expect(home).toContain('<html lang="nl">');
    expect(home).toContain('Huisartsenpraktijk De Linde');
    expect(home).toContain('Inactieve gebruikers');
    const loggedIn = await (await admin.browser.fetch('/ingelogd')).text();
    expect(loggedIn).toContain('href="/beheer" id="admin"');
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    const page = await (await admin.browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers/${t.person.id}`)).text();
    for (const text of ['Blokkeren — reden', 'Verlies smartphone / apparaat verloren', 'Certificaten', 'Autorisatie', 'Attributen', 'Verwijder uit', 'Pincode kwijt?']) expect(page).toContain(text);
  });
});
