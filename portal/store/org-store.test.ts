// The organisation tables of the SQLite store (migration 3) on a real file: registrations, one-time
// enrolment codes with re-issue and attempt limits, and the single transaction that redeems a code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';
import type { EnrolmentCodeRecord, MobileIdRecord, PortalStore } from './store';

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
    const { MIGRATIONS } = await import('./sqlite-store');
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m);
    db.pragma('user_version = 2');
    db.prepare("INSERT INTO login_qr (code, session, created_at, expires_at) VALUES ('c', 's', 1, 2)").run();
    db.close();
    const upgraded = openSqliteStore(path);
    expect(await upgraded.getLoginQr('c')).toEqual({ code: 'c', session: 's', createdAt: 1, expiresAt: 2, usedAt: null, mobileId: null });
    await upgraded.close();
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
    const membership = { mobileId: 'm1', ura: '90000382', role: 'Administrator' as const, createdAt: 5 };
    expect(await store.redeemEnrolment({ codeHash: 'a', at: 5, mobileId: mobile('m1'), membership, validationId: null })).toBe(true);
    expect(await store.redeemEnrolment({ codeHash: 'a', at: 6, mobileId: mobile('m2'), membership: { ...membership, mobileId: 'm2' }, validationId: null })).toBe(false);
    expect(await store.getMobileId('m2')).toBeNull();
    expect(await store.findMobileIdByUzi('900016528')).toMatchObject({ id: 'm1' });
    expect(await store.listMemberships('m1')).toEqual([membership]);
    expect(await store.getRegistration('90000382')).toMatchObject({ status: 'active', activatedAt: 5, administrator: '900016528' });
    // An expired code is not redeemable either.
    await store.issueEnrolmentCode(code('late', { uziNumber: '900016529', expiresAt: 10 }), 1);
    expect(await store.redeemEnrolment({ codeHash: 'late', at: 10, mobileId: mobile('m3'), membership: { ...membership, mobileId: 'm3' }, validationId: null })).toBe(false);
  });
});
