// The authorisation matrix (issue 7): every role × every administration action × own/other
// organisation, over real loopback HTTP and a real SQLite file. Allowed cells succeed; every other
// cell is refused with 403 and leaves every state table exactly as it was.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ACTIONS, POLICY, type AdminAction } from './admin';
import { ORG_A, ORG_B, ORG_C, api, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';
import type { PortalRole } from './store/store';

let world: AdminWorld;
const actors = {} as Record<PortalRole, Member>;

beforeAll(async () => {
  world = await createAdminWorld();
  for (const role of ['Administrator', 'Beheerder', 'Gebruiker'] as const) actors[role] = await world.member({ ura: ORG_A.ura, role });
  // Each organisation has an administrator of its own, so no cell hits the only-administrator rule.
  await world.member({ ura: ORG_B.ura, role: 'Administrator', login: false });
}, 60_000);
afterAll(async () => world?.close());

/** A fresh zorgmedewerker in `ura`, with an active (or blocked) Mobiel ID when asked. */
async function target(ura: string, mobileId: 'none' | 'active' | 'blocked' = 'none') {
  const person = await world.registered(ura, 'Gebruiker');
  if (mobileId !== 'none') {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await world.portal.store.putMobileId({
      id: `m${person.id.replace(/-/g, '')}xxxxxx`.slice(0, 22),
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

type Call = { method: 'GET' | 'POST'; path: string; body?: unknown; html?: boolean; ok: number; changes: boolean };

const userPath = (ura: string, id: string) => `/api/beheer/organisaties/${ura}/gebruikers/${id}`;

/** What each action looks like as a request against organisation `ura`, with its preconditions set up. */
const CALLS: Record<AdminAction, (ura: string) => Promise<Call>> = {
  'users.list': async (ura) => ({ method: 'GET', path: `/api/beheer/organisaties/${ura}/gebruikers`, ok: 200, changes: false }),
  'users.inactive': async (ura) => ({ method: 'GET', path: `/api/beheer/organisaties/${ura}/gebruikers?inactief=ja`, ok: 200, changes: false }),
  'user.view': async (ura) => ({ method: 'GET', path: userPath(ura, (await target(ura)).id), ok: 200, changes: false }),
  'user.register': async (ura) => ({
    method: 'POST',
    path: '/api/beheer/gebruikers',
    body: { organisatie: ura, voornaam: 'Eva', achternaam: 'Jansen', geboortedatum: '1990-02-03' },
    ok: 201,
    changes: true,
  }),
  'user.add-existing': async (ura) => {
    const elsewhere = await target(ORG_C.ura);
    return { method: 'POST', path: '/api/beheer/gebruikers/bestaand', body: { organisatie: ura, zorgIdId: elsewhere.id, geboortedatum: elsewhere.birthDate }, ok: 201, changes: true };
  },
  'user.role': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura)).id)}/rol`, body: { rol: 'Beheerder' }, ok: 200, changes: true }),
  'user.attributes': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura)).id)}/attributen`, body: { type: 'taakcode', taakcode: 'T-01' }, ok: 200, changes: true }),
  'user.block': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura, 'active')).id)}/blokkeren`, body: { reden: 'beveiligingsincident' }, ok: 200, changes: true }),
  'user.unblock': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura, 'blocked')).id)}/activeren`, body: { bevestigd: 'ja' }, ok: 200, changes: true }),
  'user.revoke': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura, 'blocked')).id)}/intrekken`, body: { bevestigd: 'ja' }, ok: 200, changes: true }),
  'user.new-certificate': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura)).id)}/certificaat`, body: {}, ok: 201, changes: true }),
  'user.remove': async (ura) => ({ method: 'POST', path: `${userPath(ura, (await target(ura)).id)}/verwijderen`, body: { bevestigd: 'ja' }, ok: 200, changes: true }),
  'user.lost-pin': async (ura) => ({ method: 'GET', path: `/beheer/organisaties/${ura}/gebruikers/${(await target(ura, 'active')).id}/pincode-kwijt`, html: true, ok: 200, changes: false }),
};

const cells = (['Administrator', 'Beheerder', 'Gebruiker'] as const).flatMap((role) =>
  ADMIN_ACTIONS.flatMap((action) =>
    (['own', 'other'] as const).map((scope) => ({ role, action, scope, allowed: scope === 'own' && POLICY[action].includes(role) })),
  ),
);

describe('authorisation matrix: role × action × own/other organisation', () => {
  it('covers every action of the policy', () => {
    expect(Object.keys(CALLS).sort()).toEqual([...ADMIN_ACTIONS].sort());
    expect(cells).toHaveLength(3 * ADMIN_ACTIONS.length * 2);
  });

  it.each(cells)('$role · $action · $scope organisation → allowed: $allowed', async ({ role, action, scope, allowed }) => {
    const ura = scope === 'own' ? ORG_A.ura : ORG_B.ura;
    const call = await CALLS[action](ura);
    const before = world.state();
    const browser = actors[role].browser;
    const res = call.html
      ? await browser.fetch(call.path).then(async (r) => ({ status: r.status, json: { html: await r.text() } as Record<string, unknown> }))
      : await api(browser, call.method, call.path, call.body);
    const after = world.state();
    if (allowed) {
      expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(call.ok);
      if (call.changes) expect(after).not.toEqual(before);
      else expect(after).toEqual(before);
    } else {
      expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(403);
      if (!call.html) expect(res.json).toMatchObject({ outcome: 'refused', code: 'ERR_ADMIN_FORBIDDEN' });
      else expect(res.json.html).toContain('ERR_ADMIN_FORBIDDEN');
      expect(after).toEqual(before);
    }
  });
});
