// How the reference portal's cost grows (issue 16 item 4): the same questions against a portal with
// 1 000 users and one with 200 000 users in 10 000 organisations, generated here (never shipped). The
// administration's user list (one page), a search in it, and the login's lookup (person by UZI number
// and its memberships) each print their p95 at both sizes and the ratio: with pages and indexes the
// ratio stays near 1 however large the portal grows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { listUsers } from '../portal/admin';
import { openSqliteStore } from '../portal/store/sqlite-store';
import type { PortalStore } from '../portal/store/store';
import { bench, percentile } from './stats';

export interface ScaleWorld {
  users: number;
  organisations: number;
  /** The organisation whose list is paged and searched: the largest one. */
  bigUra: string;
  bigMembers: number;
}

const ura = (i: number) => String(10_000_000 + i);
const uzi = (i: number) => String(900_000_000 + i);
const SURNAMES = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos'];

/** Writes the world straight into the portal's schema in one transaction (the store API would fsync per row). */
function generate(file: string, world: ScaleWorld): void {
  openSqliteStore(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const org = db.prepare(`INSERT INTO org_registrations (ura, name, street, postcode, city, status, created_at, activated_at, administrator) VALUES (?, ?, 'Laan 1', '3511 AB', 'Utrecht', 'active', 0, 0, NULL)`);
  const person = db.prepare(`INSERT INTO persons (id, given_name, surname, name, birth_date, uzi_number, created_at, last_used_at) VALUES (?, ?, ?, ?, '1980-04-12', ?, ?, ?)`);
  const member = db.prepare(`INSERT INTO person_memberships (person_id, ura, role, created_at) VALUES (?, ?, 'Gebruiker', ?)`);
  const mobile = db.prepare(`INSERT INTO mobile_ids (id, uzi_number, name, birth_date, public_key_spki, key_alg, status, created_at, person_id) VALUES (?, ?, ?, '1980-04-12', 'spki', 'ES256', 'active', ?, ?)`);
  db.transaction(() => {
    for (let o = 0; o < world.organisations; o++) org.run(ura(o), `Praktijk ${o}`);
    for (let i = 0; i < world.users; i++) {
      const id = `ZID-${i.toString(36).toUpperCase().padStart(6, '0')}`;
      const surname = SURNAMES[i % SURNAMES.length]!;
      const name = `Persoon${i} ${surname}`;
      person.run(id, `Persoon${i}`, surname, name, uzi(i), i, i % 3 === 0 ? null : 1_000_000 + i);
      // The first bigMembers users are in the big organisation; the others spread over the rest.
      const home = i < world.bigMembers ? world.bigUra : ura(1 + ((i - world.bigMembers) % Math.max(1, world.organisations - 1)));
      member.run(id, home, i);
      if (i % 2 === 0) mobile.run(`M${id}`, uzi(i), name, i, id);
      // Some work in two organisations, as locums do.
      const second = ura(1 + ((i - world.bigMembers + 1) % Math.max(1, world.organisations - 1)));
      if (i >= world.bigMembers && i % 50 === 0 && second !== home) member.run(id, second, i);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function p95(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(i); // warm: statements prepared, pages cached
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return percentile(times, 95);
}

interface ScaleFigures {
  listPage: number;
  search: number;
  loginLookup: number;
}

async function measure(store: PortalStore, world: ScaleWorld, runs: number): Promise<ScaleFigures> {
  const deps = { store, clock: () => 2_000_000_000, rng: (n: number) => new Uint8Array(n), origin: () => 'http://127.0.0.1' };
  const pages = Math.ceil(world.bigMembers / 50);
  const listPage = await p95(runs, (i) => listUsers(deps, world.bigUra, { onlyInactive: false, page: 1 + ((i * 7) % pages) }));
  const search = await p95(runs, (i) => listUsers(deps, world.bigUra, { onlyInactive: false, search: SURNAMES[i % SURNAMES.length]!, page: 1 }));
  const loginLookup = await p95(runs, async (i) => {
    const person = await store.findPersonByUzi(uzi((i * 7919) % world.users));
    return person ? store.listMemberships(person.id) : null;
  });
  return { listPage, search, loginLookup };
}

async function figuresFor(world: ScaleWorld, runs: number): Promise<{ figures: ScaleFigures; generateMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-scale-'));
  try {
    const file = join(dir, 'portal.sqlite');
    const t0 = performance.now();
    generate(file, world);
    const generateMs = performance.now() - t0;
    const store = openSqliteStore(file);
    try {
      return { figures: await measure(store, world, runs), generateMs };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The organisation an administrator pages through is the same size in both (500 members): what grows
// is the portal around it, which is the question. (An organisation's own size costs what its pages,
// offsets and count cost: about 4 ms for a page of 50 at 5 000 members on the 2-core build machine.)
export const SMALL_WORLD: ScaleWorld = { users: 1_000, organisations: 50, bigUra: ura(0), bigMembers: 500 };
export const LARGE_WORLD: ScaleWorld = { users: 200_000, organisations: 10_000, bigUra: ura(0), bigMembers: 500 };

export async function benchPortalScale(options: { runs?: number; large?: ScaleWorld } = {}): Promise<void> {
  const runs = options.runs ?? 200;
  const small = await figuresFor(SMALL_WORLD, runs);
  const large = await figuresFor(options.large ?? LARGE_WORLD, runs);
  console.log(`# portal scale: ${SMALL_WORLD.users} users generated in ${small.generateMs.toFixed(0)} ms, ${(options.large ?? LARGE_WORLD).users} in ${large.generateMs.toFixed(0)} ms`);
  for (const key of ['listPage', 'search', 'loginLookup'] as const) {
    const name = { listPage: 'portal-user-list-page', search: 'portal-user-search', loginLookup: 'portal-login-lookup' }[key];
    // The 1 k portal is the floor of the 200 k one: the ratio is how the cost grew.
    bench(`${name}-1k-p95`, small.figures[key], 'ms', 3);
    bench(`${name}-200k-p95`, large.figures[key], 'ms', 3, small.figures[key]);
  }
}

