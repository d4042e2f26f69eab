// Administrators and beheerders block, unblock and remove ZORG-ID Smartcard accounts like Mobiel IDs,
// through the same authorisation check (portal-rules.md "ZORG-ID Smartcard", §2). Real portal over
// loopback, real SQLite, people logged in with the Mobile App simulator.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMobileApp } from '../test/fakes/mobile-app';
import type { SmartcardRecord } from './store/store';
import { DAY, ORG_A, ORG_B, T0, api, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';
import { TestBrowser } from './test/org-flow';

describe('Smartcard accounts in the administration', () => {
  let world: AdminWorld;
  let admin: Member;
  let beheerder: Member;
  let gebruiker: Member;
  let otherAdmin: Member;
  const card: SmartcardRecord = {
    id: 'sc-AAAAAAAAAAAAAAAAAAAA',
    uziNumber: '900016528',
    ura: ORG_A.ura,
    personId: null,
    name: 'Anna Maria de Vries',
    certSha256: 'ab'.repeat(32),
    certDer: 'MA==',
    serialHex: '40'.repeat(16),
    status: 'pending',
    activationChallenge: 'x'.repeat(43),
    createdAt: T0,
    activatedAt: null,
    blockReason: null,
    blockedAt: null,
    removedAt: null,
  };
  const op = (m: Member | null, name: string, body: unknown) =>
    m ? api(m.browser, 'POST', `/api/beheer/smartcards/${card.id}/${name}`, body) : fetch(`${world.portal.url}/api/beheer/smartcards/${card.id}/${name}`, { method: 'POST', body: '{}' });

  beforeAll(async () => {
    world = await createAdminWorld();
    admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    gebruiker = await world.member({ ura: ORG_A.ura, role: 'Gebruiker' });
    otherAdmin = await world.member({ ura: ORG_B.ura, role: 'Administrator' });
    expect(await world.portal.store.createSmartcard(card)).toBe(true);
    expect(await world.portal.store.setSmartcardStatus(card.id, ['pending'], 'active', T0)).toBe(true);
  }, 60_000);
  afterAll(() => world?.close());

  it('refuses people without the right role in the card’s organisation', async () => {
    // Without Origin a state-changing call is refused before the login is looked at (http-guard.ts).
    expect((await op(null, 'blokkeren', {})) as Response).toMatchObject({ status: 403 });
    const anonymous = await fetch(`${world.portal.url}/api/beheer/smartcards/${card.id}/blokkeren`, { method: 'POST', headers: { origin: world.portal.origin }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(await op(gebruiker, 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({ status: 403, json: { code: 'ERR_ADMIN_FORBIDDEN' } });
    expect(await op(otherAdmin, 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({ status: 403, json: { code: 'ERR_ADMIN_FORBIDDEN' } });
    expect((await world.portal.store.getSmartcard(card.id))?.status).toBe('active');
  });

  it('lets a beheerder block (with a reason from the list) and an administrator unblock and remove', async () => {
    expect(await op(beheerder, 'blokkeren', { reden: 'onzin' })).toMatchObject({ status: 400 });
    expect(await op(beheerder, 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({
      status: 200,
      json: { smartcard: { status: 'blocked', blockReason: 'verdachte-activiteit' } },
    });
    expect(await op(admin, 'deblokkeren', { bevestigd: 'ja' })).toMatchObject({ status: 200, json: { smartcard: { status: 'active' } } });
    expect(await op(admin, 'verwijderen', { bevestigd: 'ja' })).toMatchObject({ status: 200, json: { smartcard: { status: 'removed' } } });
    expect(await op(admin, 'deblokkeren', { bevestigd: 'ja' })).toMatchObject({ status: 409 });
    // Removed: the person may create a new Smartcard.
    expect(await world.portal.store.findLiveSmartcardByUzi(card.uziNumber)).toBeNull();
    const list = await api(admin.browser, 'GET', `/api/beheer/organisaties/${ORG_A.ura}/smartcards`);
    expect(list).toMatchObject({ status: 200, json: { smartcards: [{ id: card.id, status: 'removed' }] } });
    const audit = await world.portal.store.listAudit();
    expect(audit.filter((a) => a.action.startsWith('admin.smartcard.') && a.outcome === 'ok').map((a) => a.action)).toEqual(
      expect.arrayContaining(['admin.smartcard.user.block', 'admin.smartcard.user.unblock', 'admin.smartcard.user.remove']),
    );
  });

  it('refuses a Mobiel ID for someone with a live Smartcard (one or the other)', async () => {
    const other: SmartcardRecord = { ...card, id: 'sc-BBBBBBBBBBBBBBBBBBBB', uziNumber: '900016529', certSha256: 'cd'.repeat(32), status: 'pending' };
    expect(await world.portal.store.createSmartcard(other)).toBe(true);
    expect(await world.portal.store.setSmartcardStatus(other.id, ['pending'], 'active', T0)).toBe(true);
    const code = 'smartcard-holder-enrolment-code-0001';
    await world.portal.store.issueEnrolmentCode(
      {
        codeHash: createHash('sha256').update(code).digest('hex'), validationId: null, personId: null, uziNumber: '900016529', holderName: 'Sanne Jansen',
        ura: ORG_A.ura, role: 'Gebruiker', birthDate: '1990-01-01', createdAt: T0, expiresAt: T0 + 10 * DAY, usedAt: null, voidedAt: null, voidReason: null, attempts: 0,
      },
      T0,
    );
    const payload = `zorgid://enrol?portal=${encodeURIComponent(world.portal.origin)}&code=${code}`;
    await expect(createMobileApp().enrol({ payload }, '1990-01-01')).rejects.toMatchObject({ code: 'ERR_SMARTCARD_HOLDER_NO_MOBIEL_ID' });
    expect(await world.portal.store.findMobileIdByUzi('900016529')).toBeNull();
  });
});

describe('Smartcard accounts on the beheer pages (forms, same rules as the API)', () => {
  let world: AdminWorld;
  let admin: Member;
  let beheerder: Member;
  let gebruiker: Member;
  let otherAdmin: Member;
  const base: SmartcardRecord = {
    id: 'sc-PAGEPAGEPAGEPAGEPAGE',
    uziNumber: '900016530',
    ura: ORG_A.ura,
    personId: null,
    name: 'Sanne de Smartcard',
    certSha256: 'ef'.repeat(32),
    certDer: 'MA==',
    serialHex: '4a'.repeat(16),
    status: 'pending',
    activationChallenge: 'y'.repeat(43),
    createdAt: T0,
    activatedAt: null,
    blockReason: null,
    blockedAt: null,
    removedAt: null,
  };
  // A Smartcard whose holder is a beheerder of ORG_A (a ZORG-ID person with that role, no Mobiel ID):
  // a beheerder manages zorgmedewerkers only (admin.ts authorize), an administrator may act on it.
  let ofBeheerder: SmartcardRecord;

  const page = (b: TestBrowser, id: string, op: string) => b.fetch(`/beheer/smartcards/${id}/${op}`);
  const post = (b: TestBrowser, id: string, op: string, fields: Record<string, string>) => b.form(`/beheer/smartcards/${id}/${op}`, fields);
  const statusOf = async (id: string) => (await world.portal.store.getSmartcard(id))?.status;
  const refusals = async () => (await world.portal.store.listAudit()).filter((a) => a.action.startsWith('admin.smartcard.') && a.outcome === 'refused');

  beforeAll(async () => {
    world = await createAdminWorld();
    admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    gebruiker = await world.member({ ura: ORG_A.ura, role: 'Gebruiker' });
    otherAdmin = await world.member({ ura: ORG_B.ura, role: 'Administrator' });
    const holder = await world.registered(ORG_A.ura, 'Beheerder');
    ofBeheerder = { ...base, id: 'sc-BEHEERDERBEHEERDER1', uziNumber: '900016531', personId: holder.id, name: holder.name, certSha256: '12'.repeat(32), serialHex: '4b'.repeat(16) };
    for (const card of [base, ofBeheerder]) {
      expect(await world.portal.store.createSmartcard(card)).toBe(true);
      expect(await world.portal.store.setSmartcardStatus(card.id, ['pending'], 'active', T0 + 60_000)).toBe(true);
    }
  }, 60_000);
  afterAll(() => world?.close());

  it('shows each Smartcard account on the users page: status, created, certificate serial and its actions', async () => {
    const res = await beheerder.browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h2 id="smartcards-title">ZORG-ID Smartcards</h2>');
    const row = html.slice(html.indexOf(`data-smartcard="${base.id}"`), html.indexOf('</tr>', html.indexOf(`data-smartcard="${base.id}"`)));
    expect(row).toContain('Sanne de Smartcard');
    expect(row).toContain('<td data-field="smartcard-status">Actief</td>');
    expect(row).toContain('2026-06-01 12:00 UTC');
    expect(row.replaceAll('<wbr>', '')).toContain(`<code data-field="serial">${base.serialHex}</code>`);
    expect(row).toContain(`href="/beheer/smartcards/${base.id}/blokkeren"`);
    expect(row).toContain(`href="/beheer/smartcards/${base.id}/verwijderen"`);
    expect(row).not.toContain('/deblokkeren');
    // The holder's own user page shows it too.
    const own = await (await admin.browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers/${ofBeheerder.personId}`)).text();
    expect(own).toContain(`data-smartcard="${ofBeheerder.id}"`);
    expect(own).toContain(`/beheer/smartcards/${ofBeheerder.id}/blokkeren?terug=${ofBeheerder.personId}`);
  });

  it('refuses whom authorize refuses — no login, a Gebruiker, another organisation, a beheerder on a beheerder’s card — and changes nothing', async () => {
    const before = world.state();
    const auditBefore = (await refusals()).length;
    const anonymous = new TestBrowser(() => world.portal);
    const cases: Array<[TestBrowser, string, number, string | null]> = [
      [anonymous, base.id, 303, null],
      [gebruiker.browser, base.id, 403, 'ERR_ADMIN_FORBIDDEN'],
      [otherAdmin.browser, base.id, 403, 'ERR_ADMIN_FORBIDDEN'],
      [beheerder.browser, ofBeheerder.id, 403, 'ERR_ADMIN_FORBIDDEN'],
    ];
    const ops: Array<[string, Record<string, string>]> = [
      ['blokkeren', { reden: 'verdachte-activiteit' }],
      ['deblokkeren', { bevestigd: 'ja' }],
      ['verwijderen', { bevestigd: 'ja' }],
    ];
    for (const [browser, id, status, code] of cases) {
      for (const [op, fields] of ops) {
        const res = await post(browser, id, op, fields);
        expect(res.status, `${op} ${id}`).toBe(status);
        if (status === 303) expect(res.headers.get('location')).toBe('/?afgemeld=sessie');
        else expect(await res.text()).toContain(code!);
        const view = await page(browser, id, op);
        expect(view.status, `GET ${op}`).toBe(status);
      }
    }
    expect(await post(beheerder.browser, 'sc-DOESNOTEXIST00000000', 'blokkeren', { reden: 'verdachte-activiteit' })).toMatchObject({ status: 404 });
    // Another site's form: refused before anything is read.
    const foreign = await beheerder.browser.fetch(`/beheer/smartcards/${base.id}/verwijderen`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'bevestigd=ja',
    });
    expect(foreign.status).toBe(403);
    expect(world.state()).toEqual(before);
    expect([await statusOf(base.id), await statusOf(ofBeheerder.id)]).toEqual(['active', 'active']);
    // Every refusal of a known actor (and the anonymous posts) is in the audit log, with its code.
    const all = await refusals();
    const added = all.slice(0, all.length - auditBefore);
    expect(added.filter((a) => a.code === 'ERR_ADMIN_FORBIDDEN').length).toBeGreaterThanOrEqual(18);
    expect(added.filter((a) => a.code === 'ERR_ADMIN_LOGIN_REQUIRED')).toHaveLength(3);
    expect(added.some((a) => a.code === 'ERR_SMARTCARD_NOT_FOUND')).toBe(true);
  });

  it('lets a beheerder block with a reason from the list, unblock after confirming and remove after confirming (irreversible)', async () => {
    const before = world.state();
    // No reason, or one not on the list: the form again with the error beside the field, nothing changed.
    const none = await post(beheerder.browser, base.id, 'blokkeren', { reden: '' });
    expect(none.status).toBe(400);
    const noneHtml = await none.text();
    expect(noneHtml).toContain('id="reden-error"');
    expect(noneHtml).toContain('Kies een reden uit de lijst.');
    expect(noneHtml).toContain('aria-describedby="reden-error"');
    expect((await post(beheerder.browser, base.id, 'blokkeren', { reden: 'onzin' })).status).toBe(400);
    expect(world.state()).toEqual(before);

    const blocked = await post(beheerder.browser, base.id, 'blokkeren', { reden: 'inloggegevens-gecompromitteerd' });
    expect(blocked.status).toBe(303);
    expect(blocked.headers.get('location')).toBe(`/beheer/organisaties/${ORG_A.ura}/gebruikers?melding=smartcard-geblokkeerd#smartcards`);
    expect(await world.portal.store.getSmartcard(base.id)).toMatchObject({ status: 'blocked', blockReason: 'inloggegevens-gecompromitteerd' });
    const list = await (await beheerder.browser.fetch(`/beheer/organisaties/${ORG_A.ura}/gebruikers?melding=smartcard-geblokkeerd`)).text();
    expect(list).toContain('De ZORG-ID Smartcard is geblokkeerd.');
    expect(list).toContain(`href="/beheer/smartcards/${base.id}/deblokkeren"`);
    // Blocking again: a status conflict, with its code.
    const again = await post(beheerder.browser, base.id, 'blokkeren', { reden: 'verdachte-activiteit' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('ERR_SMARTCARD_STATUS_CONFLICT');

    // Unblock: the question first; without the confirmation nothing happens.
    const question = await (await page(beheerder.browser, base.id, 'deblokkeren')).text();
    expect(question).toContain('<h1>ZORG-ID Smartcard deblokkeren</h1>');
    expect(question).toContain('name="bevestigd" value="ja"');
    const unconfirmed = await post(beheerder.browser, base.id, 'deblokkeren', {});
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Bevestig deze handeling eerst.');
    expect(await statusOf(base.id)).toBe('blocked');
    expect((await post(beheerder.browser, base.id, 'deblokkeren', { bevestigd: 'ja' })).status).toBe(303);
    expect(await statusOf(base.id)).toBe('active');

    // Remove: says it is irreversible; afterwards no action brings it back.
    expect(await (await page(beheerder.browser, base.id, 'verwijderen')).text()).toContain('Dit is definitief en kan niet ongedaan worden gemaakt');
    expect((await post(beheerder.browser, base.id, 'verwijderen', {})).status).toBe(400);
    expect(await statusOf(base.id)).toBe('active');
    const removed = await post(beheerder.browser, base.id, 'verwijderen', { bevestigd: 'ja' });
    expect(removed.headers.get('location')).toContain('melding=smartcard-verwijderd');
    expect(await world.portal.store.getSmartcard(base.id)).toMatchObject({ status: 'removed', removedAt: T0 });
    expect((await post(admin.browser, base.id, 'deblokkeren', { bevestigd: 'ja' })).status).toBe(409);
    expect(await world.portal.store.listRemovedSmartcards()).toEqual([{ serialHex: base.serialHex, removedAt: T0 }]);

    // listAudit gives the newest first.
    const ok = (await world.portal.store.listAudit()).reverse().filter((a) => a.action.startsWith('admin.smartcard.') && a.outcome === 'ok' && (a.detail as { smartcard?: string } | null)?.smartcard === base.id);
    expect(ok.map((a) => [a.actor, a.action, (a.detail as { to: string }).to])).toEqual([
      [`zorgid:${beheerder.person.id}`, 'admin.smartcard.user.block', 'blocked'],
      [`zorgid:${beheerder.person.id}`, 'admin.smartcard.user.unblock', 'active'],
      [`zorgid:${beheerder.person.id}`, 'admin.smartcard.user.remove', 'removed'],
    ]);
    expect(ok[0]!.detail).toMatchObject({ reason: 'inloggegevens-gecompromitteerd', ura: ORG_A.ura, serial: base.serialHex });
  });

  it('lets an administrator act on a beheerder’s Smartcard, back to that user’s page', async () => {
    const res = await post(admin.browser, ofBeheerder.id, 'blokkeren', { reden: 'vertrouwensbreuk', terug: ofBeheerder.personId! });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/beheer/organisaties/${ORG_A.ura}/gebruikers/${ofBeheerder.personId}?melding=smartcard-geblokkeerd#smartcards`);
    expect(await statusOf(ofBeheerder.id)).toBe('blocked');
  });
});
