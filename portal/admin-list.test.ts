// The administration's user list at size (issue 16 item 4): pages of USERS_PAGE_SIZE, search, and the
// same list as a Dutch page with a pager, over real HTTP and SQLite; never another organisation's users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS_PAGE_SIZE } from './admin';
import { ORG_A, ORG_B, api, createAdminWorld, type AdminWorld, type Member } from './test/admin-fixture';

let world: AdminWorld;
let admin: Member;
const list = (query = '', ura = ORG_A.ura) => `/api/beheer/organisaties/${ura}/gebruikers${query}`;

beforeAll(async () => {
  world = await createAdminWorld();
  admin = await world.member({ ura: ORG_A.ura, role: 'Administrator', name: ['Anna', 'de Vries'] });
  for (let i = 0; i < 60; i++) await world.registered(ORG_A.ura);
  // In B only: a name that matches the search in A.
  for (let i = 0; i < 3; i++) await world.registered(ORG_B.ura);
}, 120_000);
afterAll(async () => world.close());

type Listed = { users: { zorgIdId: string }[]; page: number; pageSize: number; total: number };

describe('user list pages', () => {
  it('gives pages of 50 with the total, and every user once', async () => {
    const first = (await api(admin.browser, 'GET', list())).json as unknown as Listed;
    const second = (await api(admin.browser, 'GET', list('?pagina=2'))).json as unknown as Listed;
    expect(first).toMatchObject({ page: 1, pageSize: USERS_PAGE_SIZE, total: 61 });
    expect(first.users).toHaveLength(50);
    expect(second.users).toHaveLength(11);
    expect(new Set([...first.users, ...second.users].map((u) => u.zorgIdId)).size).toBe(61);
  });

  it('opens page 1 for a page number that is not one', async () => {
    for (const q of ['?pagina=0', '?pagina=abc', '?pagina=-3']) {
      expect(((await api(admin.browser, 'GET', list(q))).json as unknown as Listed).page).toBe(1);
    }
  });

  it('searches within the organisation only', async () => {
    const found = (await api(admin.browser, 'GET', list('?zoek=persoon'))).json as unknown as Listed;
    expect(found.total).toBe(60);
    const byId = (await api(admin.browser, 'GET', list(`?zoek=${admin.person.id}`))).json as unknown as Listed;
    expect(byId.users.map((u) => u.zorgIdId)).toEqual([admin.person.id]);
    expect((await api(admin.browser, 'GET', list('?zoek=persoon', ORG_B.ura))).status).toBe(403);
  });

  it('shows the Dutch page with the count and links that keep the search', async () => {
    const html = await (await admin.browser.fetch('/beheer/organisaties/90000382/gebruikers?zoek=persoon&pagina=2')).text();
    expect(html).toContain('60 gebruikers voor “persoon” · pagina 2 van 2');
    expect(html).toContain('href="/beheer/organisaties/90000382/gebruikers?zoek=persoon&amp;pagina=1"');
    expect(html).not.toContain('rel="next"');
  });
});
