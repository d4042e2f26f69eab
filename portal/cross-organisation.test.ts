// Issue 15 item 1: no role in one organisation gains any right in another, by any route. The exact
// takeover end to end (a Beheerder of A adds B's Administrator as an existing user, asks a new
// certificate, redeems the QR on its own phone and acts in B), and the national block of another
// organisation's administrator. Real loopback HTTP, a real SQLite file.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMobileApp } from '../test/fakes/mobile-app';
import { ADMIN_ACTIONS, POLICY, type AdminAction } from './admin';
import type { PortalRole } from './store/store';
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

/** A person in A (Gebruiker) who is also `roleB` in B, with an active or blocked Mobiel ID when asked. */
async function shared(roleB: PortalRole, mobileId: 'none' | 'active' | 'blocked' = 'none') {
  const person = await world.registered(ORG_A.ura, 'Gebruiker');
  await world.portal.store.putMembership({ personId: person.id, ura: ORG_B.ura, role: roleB, createdAt: world.now.value });
  if (mobileId !== 'none') {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await world.portal.store.putMobileId({
      id: `x${person.id.replace(/-/g, '')}xxxxxx`.slice(0, 22),
      personId: person.id,
      uziNumber: null,
      name: person.name,
      birthDate: person.birthDate,
      publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      keyAlg: 'ES256',
      status: 'active',
      createdAt: world.now.value,
    });
    if (mobileId === 'blocked') await world.portal.store.setMobileIdStatus(person.id, 'active', 'blocked', world.now.value, 'beveiligingsincident');
  }
  return person;
}

type Call = { method: 'GET' | 'POST'; path: string; body?: unknown; html?: boolean; ok: number };

/** Written out here, not taken from admin.ts: national state (§7.4, §7.5) or a QR for a device. */
const REACHES_B: ReadonlySet<AdminAction> = new Set(['user.block', 'user.unblock', 'user.revoke', 'user.new-certificate', 'user.role']);
type TargetAction = Exclude<AdminAction, 'users.list' | 'users.inactive' | 'user.register' | 'user.add-existing'>;

/** Every action on one user, in A, on a person who is also a member of B. */
const ON_SHARED: Record<TargetAction, (roleB: PortalRole) => Promise<Call>> = {
  'user.view': async (r) => ({ method: 'GET', path: userPath(ORG_A.ura, (await shared(r)).id), ok: 200 }),
  'user.role': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r)).id)}/rol`, body: { rol: 'Beheerder' }, ok: 200 }),
  'user.attributes': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r)).id)}/attributen`, body: { type: 'taakcode', taakcode: 'T-01' }, ok: 200 }),
  'user.block': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r, 'active')).id)}/blokkeren`, body: { reden: 'beveiligingsincident' }, ok: 200 }),
  'user.unblock': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r, 'blocked')).id)}/activeren`, body: { bevestigd: 'ja' }, ok: 200 }),
  'user.revoke': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r, 'blocked')).id)}/intrekken`, body: { bevestigd: 'ja' }, ok: 200 }),
  'user.new-certificate': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r)).id)}/certificaat`, body: {}, ok: 201 }),
  'user.remove': async (r) => ({ method: 'POST', path: `${userPath(ORG_A.ura, (await shared(r)).id)}/verwijderen`, body: { bevestigd: 'ja' }, ok: 200 }),
  'user.lost-pin': async (r) => ({ method: 'GET', path: `/beheer/organisaties/${ORG_A.ura}/gebruikers/${(await shared(r, 'active')).id}/pincode-kwijt`, html: true, ok: 200 }),
};

describe('matrix: role in A × action on a user of A who is also in B × role in B', () => {
  const actorsA = {} as Record<PortalRole | 'Administrator A+B', Member>;
  beforeAll(async () => {
    for (const role of ['Administrator', 'Beheerder', 'Gebruiker'] as const) actorsA[role] = await world.member({ ura: ORG_A.ura, role });
    const both = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    await world.portal.store.putMembership({ personId: both.person.id, ura: ORG_B.ura, role: 'Administrator', createdAt: world.now.value });
    actorsA['Administrator A+B'] = both;
  }, 60_000);

  const cells = (['Administrator', 'Beheerder', 'Gebruiker', 'Administrator A+B'] as const).flatMap((actor) =>
    (Object.keys(ON_SHARED) as TargetAction[]).flatMap((action) =>
      (['Gebruiker', 'Administrator'] as const).map((roleB) => {
        const roleA: PortalRole = actor === 'Administrator A+B' ? 'Administrator' : actor;
        const inA = POLICY[action].includes(roleA);
        const reachesB = REACHES_B.has(action);
        const code = !inA ? 'ERR_ADMIN_FORBIDDEN' : reachesB && actor !== 'Administrator A+B' ? 'ERR_ADMIN_OTHER_ORGANISATION' : null;
        return { actor, action, roleB, code };
      }),
    ),
  );

  it('covers every action on one user', () => {
    expect(Object.keys(ON_SHARED).length + 4).toBe(ADMIN_ACTIONS.length);
  });

  it.each(cells)('$actor · $action · target is $roleB in B → $code', async ({ actor, action, roleB, code }) => {
    const call = await ON_SHARED[action](roleB);
    const before = world.state();
    const browser = actorsA[actor].browser;
    const res = call.html
      ? await browser.fetch(call.path).then(async (r) => ({ status: r.status, json: { html: await r.text() } as Record<string, unknown> }))
      : await api(browser, call.method, call.path, call.body);
    if (code === null) {
      expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(call.ok);
    } else {
      expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(403);
      if (call.html) expect(res.json.html).toContain(code);
      else expect(res.json).toMatchObject({ outcome: 'refused', code });
      expect(world.state()).toEqual(before);
    }
  });
});

describe('a new certificate next to an active Mobiel ID (issue 15 item 1)', () => {
  it('is refused with ERR_ADMIN_DEVICE_ACTIVE even in the own organisation; block and revoke first (§9.2)', async () => {
    const t = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    const url = userPath(ORG_A.ura, t.person.id);
    const before = world.state();
    const r = await api(adminA.browser, 'POST', `${url}/certificaat`, {});
    expect(r).toMatchObject({ status: 409, json: { outcome: 'refused', code: 'ERR_ADMIN_DEVICE_ACTIVE', message: expect.stringContaining('actieve ZORG-ID Mobiel ID') } });
    expect(world.state()).toEqual(before);
    expect((await api(adminA.browser, 'POST', `${url}/blokkeren`, { reden: 'apparaat-verloren' })).status).toBe(200);
    expect((await api(adminA.browser, 'POST', `${url}/intrekken`, { bevestigd: 'ja' })).status).toBe(200);
    expect((await api(adminA.browser, 'POST', `${url}/certificaat`, {})).status).toBe(201);
  });
});
