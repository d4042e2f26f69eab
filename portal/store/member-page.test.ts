// An organisation's member list, paged by the store (issue 16 item 4): the order members joined, the
// search, the inactive filter, LIKE wildcards taken literally, and query plans that stay on indexes
// however many users the portal holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';
import type { PortalStore } from './store';

const URA = '90000382';
const OTHER = '90000383';
let dir: string;
let file: string;
let store: PortalStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-member-page-'));
  file = join(dir, 'p.sqlite');
  store = openSqliteStore(file);
  for (let i = 0; i < 120; i++) {
    const id = `ZID-P${String(i).padStart(3, '0')}`;
    const name = i === 7 ? 'Eva 100%_Jansen' : i % 10 === 0 ? `Anna de Vries ${i}` : `Persoon ${i}`;
    await store.createPerson({ id, givenName: null, surname: null, name, birthDate: '1980-04-12', uziNumber: i === 42 ? '900016528' : null, createdAt: i, lastUsedAt: i < 100 ? 1_000 + i : null });
    // Joined in reverse id order, so "order of joining" is not "order of id".
    await store.putMembership({ personId: id, ura: URA, role: 'Gebruiker', createdAt: 10_000 - i });
  }
  await store.createPerson({ id: 'ZID-OTHER', givenName: null, surname: null, name: 'Anna de Vries elders', birthDate: '1980-04-12', uziNumber: null, createdAt: 0, lastUsedAt: null });
  await store.putMembership({ personId: 'ZID-OTHER', ura: OTHER, role: 'Administrator', createdAt: 0 });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (page: { members: { personId: string }[] }) => page.members.map((m) => m.personId);

describe('member pages', () => {
  it('pages in the order members joined, with the total', async () => {
    const first = await store.listMembersPage(URA, { offset: 0, limit: 50 });
    const last = await store.listMembersPage(URA, { offset: 100, limit: 50 });
    expect(first.total).toBe(120);
    expect(ids(first)[0]).toBe('ZID-P119');
    expect(ids(first)).toHaveLength(50);
    expect(ids(last)).toEqual(Array.from({ length: 20 }, (_, i) => `ZID-P${String(19 - i).padStart(3, '0')}`));
    const all = [...ids(first), ...ids(await store.listMembersPage(URA, { offset: 50, limit: 50 })), ...ids(last)];
    expect(new Set(all).size).toBe(120);
  });

  it('searches a part of the name in any case, or a whole ZORG-ID ID or UZI number, in this organisation only', async () => {
    const anna = await store.listMembersPage(URA, { offset: 0, limit: 50, search: 'anna DE vries' });
    expect(anna.total).toBe(12);
    expect(ids(anna)).not.toContain('ZID-OTHER');
    expect(ids(await store.listMembersPage(URA, { offset: 0, limit: 50, search: 'ZID-P005' }))).toEqual(['ZID-P005']);
    expect(ids(await store.listMembersPage(URA, { offset: 0, limit: 50, search: '900016528' }))).toEqual(['ZID-P042']);
    expect((await store.listMembersPage(URA, { offset: 0, limit: 50, search: 'ZID-P00' })).total).toBe(0);
    expect((await store.listMembersPage(OTHER, { offset: 0, limit: 50, search: 'ZID-P005' })).total).toBe(0);
  });

  it('takes % and _ in a search literally', async () => {
    expect(ids(await store.listMembersPage(URA, { offset: 0, limit: 50, search: '100%_' }))).toEqual(['ZID-P007']);
    expect((await store.listMembersPage(URA, { offset: 0, limit: 50, search: '%' })).total).toBe(1);
    expect((await store.listMembersPage(URA, { offset: 0, limit: 50, search: '_' })).total).toBe(1);
  });

  it('keeps only members not seen since a moment (never used: their joining counts)', async () => {
    const page = await store.listMembersPage(URA, { offset: 0, limit: 200, lastUseBefore: 1_050 });
    // Used at 1000..1049 (i < 50); never used i >= 100 joined at 9881..9900, after the moment.
    expect(page.total).toBe(50);
    expect(ids(page).every((id) => Number(id.slice(5)) < 50)).toBe(true);
  });

  it('answers the hot queries from indexes: no table scan, no sort of a whole organisation', () => {
    const db = new Database(file, { readonly: true });
    try {
      const plan = (sql: string, ...params: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      const page = plan(
        `SELECT m.* FROM person_memberships m JOIN persons p ON p.id = m.person_id WHERE m.ura = ? ORDER BY m.created_at, m.person_id LIMIT 50 OFFSET 0`,
        URA,
      );
      expect(page).toContain('person_memberships_ura_joined');
      expect(page).not.toMatch(/TEMP B-TREE/);
      const hot: [string, ...string[]][] = [
        ['SELECT * FROM persons WHERE uzi_number = ?', '900016528'],
        ['SELECT * FROM person_memberships WHERE person_id = ? ORDER BY ura', 'ZID-P001'],
        ['SELECT * FROM mobile_ids WHERE person_id = ?', 'ZID-P001'],
        ['SELECT * FROM attributes WHERE person_id = ? AND ura = ?', 'ZID-P001', URA],
        ['SELECT * FROM enrolment_codes WHERE person_id = ?', 'ZID-P001'],
      ];
      for (const [sql, ...params] of hot) expect(plan(sql, ...params), sql).not.toMatch(/^SCAN|\| SCAN/);
    } finally {
      db.close();
    }
  });
});
