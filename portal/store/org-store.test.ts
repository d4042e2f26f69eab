// The organisation tables of the SQLite store (migration 3) on a real file: registrations, one-time
// enrolment codes with re-issue and attempt limits, and the single transaction that redeems a code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';
import type { EnrolmentCodeRecord, MobileIdRecord, PersonRecord, PortalStore } from './store';

let dir: string;
let store: PortalStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-org-store-'));
  store = openSqliteStore(join(dir, 'p.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const code = (hash: string, over: Partial<EnrolmentCodeRecord> = {}): EnrolmentCodeRecord => ({
  codeHash: hash,
  validationId: null,
  uziNumber: '900016528',
  holderName: 'Anna Maria de Vries',
  ura: '90000382',
  role: 'Administrator',
  birthDate: '1980-04-12',
  createdAt: 1,
  expiresAt: 1000,
  usedAt: null,
  voidedAt: null,
  voidReason: null,
  attempts: 0,
  ...over,
});

const mobile = (id: string): MobileIdRecord => ({
  id,
  personId: 'ZID-0000-0000-0001',
  uziNumber: '900016528',
  name: 'Anna Maria de Vries',
  birthDate: '1980-04-12',
  publicKeySpki: 'AAAA',
  keyAlg: 'ES256',
  status: 'active',
  createdAt: 5,
});

describe('portal store: organisations and enrolment codes', () => {
  it('migrates an existing version-2 database and keeps its rows', async () => {
    const path = join(dir, 'old.sqlite');
    const db = new Database(path);
    const { MIGRATIONS } = await import('./migrations');
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m);
    db.pragma('user_version = 2');
    db.prepare("INSERT INTO login_qr (code, session, created_at, expires_at) VALUES ('c', 's', 1, 2)").run();
    db.close();
    const upgraded = openSqliteStore(path);
    expect(await upgraded.getLoginQr('c')).toEqual({ code: 'c', session: 's', createdAt: 1, expiresAt: 2, usedAt: null, mobileId: null, confirmCode: null, voidedAt: null });
    await upgraded.close();
  });

  it('migrates a version-3 database: each Mobiel ID becomes a user owning its memberships', async () => {
    const path = join(dir, 'v3.sqlite');
    const db = new Database(path);
    const { MIGRATIONS } = await import('./migrations');
    for (const m of MIGRATIONS.slice(0, 3)) db.exec(m);
    db.pragma('user_version = 3');
    db.prepare(
      `INSERT INTO mobile_ids (id, uzi_number, name, birth_date, public_key_spki, key_alg, status, created_at)
       VALUES ('m1', '900016528', 'Anna Maria de Vries', '1980-04-12', 'AAAA', 'ES256', 'active', 5)`,
    ).run();
    db.prepare(`INSERT INTO memberships (mobile_id, ura, role, created_at) VALUES ('m1', '90000382', 'Administrator', 6)`).run();
    db.close();
    const upgraded = openSqliteStore(path);
    expect(await upgraded.getMobileId('m1')).toMatchObject({ id: 'm1', personId: 'm1', status: 'active', blockReason: null });
    expect(await upgraded.getPerson('m1')).toEqual({ id: 'm1', givenName: null, surname: null, name: 'Anna Maria de Vries', birthDate: '1980-04-12', uziNumber: '900016528', createdAt: 5, lastUsedAt: null });
    expect(await upgraded.listMemberships('m1')).toEqual([{ personId: 'm1', ura: '90000382', role: 'Administrator', createdAt: 6 }]);
    await upgraded.close();
  });

  it('blocks, unblocks and revokes only along active → blocked → revoked', async () => {
    const person: PersonRecord = { id: 'ZID-0000-0000-0001', givenName: 'A', surname: 'B', name: 'A B', birthDate: '1980-04-12', uziNumber: null, createdAt: 1, lastUsedAt: null };
    await store.createPerson(person);
    await store.putMobileId(mobile('m1'));
    expect(await store.setMobileIdStatus(person.id, 'blocked', 'revoked', 2, null)).toBe(0);
    expect(await store.setMobileIdStatus(person.id, 'active', 'blocked', 2, 'apparaat-verloren')).toBe(1);
    expect(await store.getMobileId('m1')).toMatchObject({ status: 'blocked', blockReason: 'apparaat-verloren', blockedAt: 2 });
    expect(await store.setMobileIdStatus(person.id, 'blocked', 'revoked', 3, null)).toBe(1);
    // Revoked is final.
    expect(await store.setMobileIdStatus(person.id, 'revoked', 'active', 4, null)).toBe(0);
    expect(await store.setMobileIdStatus(person.id, 'blocked', 'active', 4, null)).toBe(0);
    expect(await store.getMobileId('m1')).toMatchObject({ status: 'revoked', revokedAt: 3 });
  });

  it('a registered user has one open code: a new one voids the last, whatever the organisation', async () => {
    const person: PersonRecord = { id: 'ZID-0000-0000-0002', givenName: 'A', surname: 'B', name: 'A B', birthDate: '1980-04-12', uziNumber: null, createdAt: 1, lastUsedAt: null };
    await store.createPerson(person);
    expect(await store.issueEnrolmentCode(code('p1', { personId: person.id, uziNumber: null }), 1)).toBe(0);
    // A code of another registered user without UZI-nummer in the same organisation is not touched.
    expect(await store.issueEnrolmentCode(code('other', { personId: 'ZID-0000-0000-0003', uziNumber: null }), 1)).toBe(0);
    expect(await store.issueEnrolmentCode(code('p2', { personId: person.id, uziNumber: null, ura: '90000383' }), 2)).toBe(1);
    expect(await store.getEnrolmentCode('p1')).toMatchObject({ voidedAt: 2, voidReason: 'reissued' });
    expect(await store.getEnrolmentCode('other')).toMatchObject({ voidedAt: null });
    expect((await store.listOpenCodesOfPerson(person.id, 2)).map((c) => c.codeHash)).toEqual(['p2']);
  });

  it('stores a registration once per URA', async () => {
    const r = { ura: '90000382', name: 'De Linde', street: 'Lindelaan 12', postcode: '3511 AB', city: 'Utrecht', status: 'pending' as const, createdAt: 1, activatedAt: null, administrator: null };
    expect(await store.createRegistration(r)).toBe(true);
    expect(await store.createRegistration({ ...r, name: 'Ander' })).toBe(false);
    expect((await store.getRegistration('90000382'))?.name).toBe('De Linde');
  });

  it('re-issuing voids the open code of the same person and organisation only', async () => {
    expect(await store.issueEnrolmentCode(code('a'), 1)).toBe(0);
    expect(await store.issueEnrolmentCode(code('other-org', { ura: '90000383' }), 1)).toBe(0);
    expect(await store.issueEnrolmentCode(code('b'), 2)).toBe(1);
    expect(await store.getEnrolmentCode('a')).toMatchObject({ voidedAt: 2, voidReason: 'reissued' });
    expect(await store.getEnrolmentCode('other-org')).toMatchObject({ voidedAt: null });
  });

  it('counts wrong birth dates and voids the code at the limit', async () => {
    await store.issueEnrolmentCode(code('a'), 1);
    expect(await store.countEnrolmentAttempt('a', 3, 2)).toEqual({ attempts: 1, voided: false });
    expect(await store.countEnrolmentAttempt('a', 3, 3)).toEqual({ attempts: 2, voided: false });
    expect(await store.countEnrolmentAttempt('a', 3, 4)).toEqual({ attempts: 3, voided: true });
    expect(await store.getEnrolmentCode('a')).toMatchObject({ voidedAt: 4, voidReason: 'attempts' });
  });

  it('redeems a code once, in one transaction with the Mobiel ID, the membership and the registration', async () => {
    await store.createRegistration({ ura: '90000382', name: 'De Linde', street: 's', postcode: '3511 AB', city: 'Utrecht', status: 'pending', createdAt: 1, activatedAt: null, administrator: null });
    await store.issueEnrolmentCode(code('a'), 1);
    const membership = { personId: 'ZID-0000-0000-0001', ura: '90000382', role: 'Administrator' as const, createdAt: 5 };
    const person: PersonRecord = { id: 'ZID-0000-0000-0001', givenName: null, surname: null, name: 'Anna Maria de Vries', birthDate: '1980-04-12', uziNumber: '900016528', createdAt: 5, lastUsedAt: null };
    expect(await store.redeemEnrolment({ codeHash: 'a', at: 5, mobileId: mobile('m1'), membership, validationId: null, person })).toBe(true);
    expect(await store.redeemEnrolment({ codeHash: 'a', at: 6, mobileId: mobile('m2'), membership, validationId: null })).toBe(false);
    expect(await store.getMobileId('m2')).toBeNull();
    expect(await store.findMobileIdByUzi('900016528')).toMatchObject({ id: 'm1', personId: person.id });
    expect(await store.listMemberships(person.id)).toEqual([membership]);
    expect(await store.getPerson(person.id)).toEqual(person);
    expect(await store.getRegistration('90000382')).toMatchObject({ status: 'active', activatedAt: 5, administrator: '900016528' });
    // An expired code is not redeemable either.
    await store.issueEnrolmentCode(code('late', { uziNumber: '900016529', expiresAt: 10 }), 1);
    expect(await store.redeemEnrolment({ codeHash: 'late', at: 10, mobileId: mobile('m3'), membership, validationId: null })).toBe(false);
  });
});
