// Issue 15 item 1: no role in one organisation gains any right in another, by any route. The exact
// takeover end to end (a Beheerder of A adds B's Administrator as an existing user, asks a new
// certificate, redeems the QR on its own phone and acts in B), and the national block of another
// organisation's administrator. Real loopback HTTP, a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMobileApp } from '../test/fakes/mobile-app';
import { ORG_A, ORG_B, api, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';
import { TestBrowser } from './test/org-flow';

let world: AdminWorld;
let attacker: Member;
let victim: Member;
let otherAdminB: Member;
let adminA: Member;

const userPath = (ura: string, id: string) => `/api/beheer/organisaties/${ura}/gebruikers/${id}`;

beforeAll(async () => {
  world = await createAdminWorld();
  adminA = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
  attacker = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
  victim = await world.member({ ura: ORG_B.ura, role: 'Administrator', birthDate: '1975-03-09' });
  otherAdminB = await world.member({ ura: ORG_B.ura, role: 'Administrator', login: false });
}, 60_000);
afterAll(async () => world?.close());

describe('cross-organisation takeover (issue 15 item 1)', () => {
  it('a Beheerder of A cannot become the Administrator of B through add-existing + new certificate', async () => {
    const added = await api(attacker.browser, 'POST', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_A.ura, zorgIdId: victim.person.id, geboortedatum: '1975-03-09' });
    // Adding an existing person stays allowed (manual §8.1): it only creates a membership in A.
    expect(added.status).toBe(201);
    const cert = await api(attacker.browser, 'POST', `${userPath(ORG_A.ura, victim.person.id)}/certificaat`, {});
    const payload = (cert.json.enrolment as { payload?: string } | undefined)?.payload;
    if (payload) {
      // Were a code issued anyway, the phone that redeems it must have no right in B.
      const phone = createMobileApp();
      await phone.enrol({ payload }, '1975-03-09');
      const browser = new TestBrowser(() => world.portal);
      await world.login(browser, phone);
      const demote = await api(browser, 'POST', `${userPath(ORG_B.ura, otherAdminB.person.id)}/rol`, { rol: 'Gebruiker' });
      expect(demote.status).toBe(403);
      expect((await api(browser, 'GET', `/api/beheer/organisaties/${ORG_B.ura}/gebruikers`)).status).toBe(403);
    } else {
      expect(cert.status).toBe(403);
      expect(cert.json).toMatchObject({ outcome: 'refused', code: 'ERR_ADMIN_OTHER_ORGANISATION' });
    }
    expect((await world.portal.store.getMembership(otherAdminB.person.id, ORG_B.ura))?.role).toBe('Administrator');
    const audit = await world.portal.store.listAudit(40);
    expect(audit.find((a) => a.action === 'admin.user.new-certificate')).toMatchObject({ outcome: 'refused', code: 'ERR_ADMIN_OTHER_ORGANISATION' });
  });

  it('a Beheerder or Administrator of A cannot block, unblock, revoke or re-role a person who is also in B', async () => {
    const before = world.state();
    for (const actor of [attacker, adminA]) {
      for (const [suffix, body] of [
        ['blokkeren', { reden: 'beveiligingsincident' }],
        ['activeren', { bevestigd: 'ja' }],
        ['intrekken', { bevestigd: 'ja' }],
        ['certificaat', {}],
        ['rol', { rol: 'Beheerder' }],
      ] as const) {
        const r = await api(actor.browser, 'POST', `${userPath(ORG_A.ura, victim.person.id)}/${suffix}`, body);
        expect(r.status, `${suffix}: ${JSON.stringify(r.json).slice(0, 200)}`).toBe(403);
        expect(r.json).toMatchObject({ outcome: 'refused', code: suffix === 'rol' && actor === attacker ? 'ERR_ADMIN_FORBIDDEN' : 'ERR_ADMIN_OTHER_ORGANISATION' });
      }
    }
    // The victim's Mobiel ID is still active, and nothing else changed but the audit.
    const ids = await world.portal.store.listMobileIdsOfPerson(victim.person.id);
    expect(ids.every((i) => i.status === 'active')).toBe(true);
    const after = world.state();
    expect(after).toEqual(before);
  });

  it('the victim keeps its own rights in B, and A may still remove only its own membership', async () => {
    expect((await api(victim.browser, 'GET', `/api/beheer/organisaties/${ORG_B.ura}/gebruikers`)).status).toBe(200);
    const r = await api(adminA.browser, 'POST', `${userPath(ORG_A.ura, victim.person.id)}/verwijderen`, { bevestigd: 'ja' });
    expect(r.status).toBe(200);
    expect(await world.portal.store.getMembership(victim.person.id, ORG_A.ura)).toBeNull();
    expect((await world.portal.store.getMembership(victim.person.id, ORG_B.ura))?.role).toBe('Administrator');
  });
});

describe('an enrolment code meets a membership made after it (issue 15 item 1)', () => {
  it('a code issued in A is void once the person was added to B later', async () => {
    const beheerderA = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    const registered = await api(beheerderA.browser, 'POST', '/api/beheer/gebruikers', { organisatie: ORG_A.ura, voornaam: 'Piet', achternaam: 'Pol', geboortedatum: '1970-01-02' });
    expect(registered.status).toBe(201);
    const id = (registered.json.user as { zorgIdId: string }).zorgIdId;
    const payload = (registered.json.enrolment as { payload: string }).payload;
    world.now.value += 60_000;
    const adminB = await world.member({ ura: ORG_B.ura, role: 'Administrator' });
    expect((await api(adminB.browser, 'POST', '/api/beheer/gebruikers/bestaand', { organisatie: ORG_B.ura, zorgIdId: id, geboortedatum: '1970-01-02' })).status).toBe(201);
    await expect(createMobileApp().enrol({ payload }, '1970-01-02')).rejects.toMatchObject({ code: 'ERR_ENROL_CODE_VOID' });
    expect((await world.portal.store.listAudit(10)).find((a) => a.action === 'enrolment.redeem')).toMatchObject({ outcome: 'refused', detail: { reason: 'other-organisation', otherOrganisations: [ORG_B.ura] } });
  });
});
