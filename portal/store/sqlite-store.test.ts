// The SQLite store on a real file: WAL, numbered migrations that run once, and the compare-and-set
// operations the handoff relies on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations';
import { openSqliteStore } from './sqlite-store';
import type { AuditEntry, HandoffRecord, SmartcardRecord } from './store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = (id: string): HandoffRecord => ({
  id,
  purpose: 'login',
  challenge: 'c'.repeat(43),
  origin: 'http://127.0.0.1:1',
  ura: null,
  returnUrl: `http://127.0.0.1:1/handoff/${id}/done`,
  creatorSession: 'f'.repeat(64),
  createdAt: 1,
  expiresAt: 300_001,
  state: 'pending',
  fetchedAt: null,
  usedAt: null,
  browserCodeHash: null,
  holder: null,
  certSha256: null,
  errorCode: null,
  cardSessionId: null,
  completedAt: null,
});

describe('portal SQLite store', () => {
  it('opens in WAL mode and runs each numbered migration once', async () => {
    const path = join(dir, 'p.sqlite');
    const store = openSqliteStore(path);
    await store.createHandoff(request('a'.repeat(22)));
    await store.close();
    const reopened = openSqliteStore(path);
    expect(await reopened.getHandoff('a'.repeat(22))).toMatchObject({ state: 'pending' });
    await reopened.close();
    // A store closed twice (a test that closed its portal, then the suite's close): the second is a no-op.
    await expect(reopened.close()).resolves.toBeUndefined();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('marks a request used exactly once, and never a cancelled one', async () => {
    const store = openSqliteStore(join(dir, 'p.sqlite'));
    await store.createHandoff(request('b'.repeat(22)));
    expect(await store.markHandoffUsed('b'.repeat(22), 10)).toBe(true);
    expect(await store.markHandoffUsed('b'.repeat(22), 11)).toBe(false);
    await store.createHandoff(request('c'.repeat(22)));
    expect(await store.updateHandoff('c'.repeat(22), { state: 'cancelled' }, ['pending'])).toBe(true);
    expect(await store.markHandoffUsed('c'.repeat(22), 12)).toBe(false);
    expect(await store.updateHandoff('c'.repeat(22), { state: 'done' }, ['pending', 'card-read'])).toBe(false);
    await store.close();
  });

  it('takes a token in one transaction: done, the user row and the audit record together, or none of them', async () => {
    const store = openSqliteStore(join(dir, 'p.sqlite'));
    const user = { uziNumber: '900016528', ura: '00000099', status: 'active' as const, certSha256: 'ab'.repeat(32), createdAt: 5, lastLoginAt: 5 };
    const take = (id: string, detail: Record<string, unknown> = {}) =>
      store.acceptHandoffToken({
        id,
        done: { holder: null, browserCodeHash: 'h'.repeat(64), certSha256: 'ab'.repeat(32), cardSessionId: 'k'.repeat(22) },
        user,
        audit: { at: 5, actor: 'uzi:900016528', action: 'handoff.token', outcome: 'ok', requestId: id, detail },
      });
    const audited = async (id: string) => (await store.listAudit()).filter((r) => r.requestId === id).length;

    await store.createHandoff(request('d'.repeat(22)));
    expect(await take('d'.repeat(22))).toBe(true);
    expect(await store.getHandoff('d'.repeat(22))).toMatchObject({ state: 'done', certSha256: 'ab'.repeat(32), cardSessionId: 'k'.repeat(22) });
    expect(await store.getUser('900016528')).toMatchObject({ lastLoginAt: 5 });
    expect(await audited('d'.repeat(22))).toBe(1);
    expect(await take('d'.repeat(22)), 'a done request is not taken twice').toBe(false);
    expect(await audited('d'.repeat(22))).toBe(1);

    // A cancel won: nothing is written.
    await store.createHandoff(request('e'.repeat(22)));
    await store.updateHandoff('e'.repeat(22), { state: 'cancelled' }, ['pending']);
    expect(await take('e'.repeat(22))).toBe(false);
    expect(await audited('e'.repeat(22))).toBe(0);

    // The audit record cannot be written: the handoff and the user row are rolled back with it.
    const other = openSqliteStore(join(dir, 'q.sqlite'));
    await other.createHandoff(request('f'.repeat(22)));
    await expect(
      other.acceptHandoffToken({
        id: 'f'.repeat(22),
        done: { holder: null, browserCodeHash: 'h'.repeat(64), certSha256: 'ab'.repeat(32), cardSessionId: 'k'.repeat(22) },
        user,
        audit: { at: 5, actor: 'uzi:900016528', action: 'handoff.token', outcome: 'ok', requestId: 'f'.repeat(22), detail: { unwritable: 1n } },
      }),
    ).rejects.toThrow();
    expect(await other.getHandoff('f'.repeat(22))).toMatchObject({ state: 'pending', certSha256: null });
    expect(await other.getUser('900016528')).toBeNull();
    await other.close();
    await store.close();
  });

  it('issues a Smartcard in one transaction: the card, its request done and the audit record together, or none of them', async () => {
    const store = openSqliteStore(join(dir, 'p.sqlite'));
    const card = (id: string, uziNumber = '900016528'): SmartcardRecord => ({
      id,
      uziNumber,
      ura: '00000099',
      personId: null,
      name: 'Test',
      certSha256: id.padEnd(64, '0'),
      certDer: 'MA==',
      serialHex: '4'.repeat(32),
      status: 'pending',
      activationChallenge: 'a'.repeat(43),
      createdAt: 5,
      activatedAt: null,
      blockReason: null,
      blockedAt: null,
      removedAt: null,
    });
    const audit = (id: string, detail: Record<string, unknown> = {}): AuditEntry => ({ at: 5, actor: 'uzi:900016528', action: 'smartcard.issue', outcome: 'ok', requestId: id, detail });
    const issue = (id: string, record: SmartcardRecord, detail?: Record<string, unknown>) =>
      store.issueSmartcard({ record, handoff: { id, holder: null, certSha256: 'ab'.repeat(32), completedAt: 6 }, audit: audit(id, detail) });
    const audited = async (id: string) => (await store.listAudit()).filter((r) => r.requestId === id).length;
    const handoff = async (id: string) => store.createHandoff({ ...request(id), purpose: 'create-smartcard' });

    await handoff('g'.repeat(22));
    expect(await issue('g'.repeat(22), card('sc-1'))).toBe('issued');
    expect(await store.getHandoff('g'.repeat(22))).toMatchObject({ state: 'done', certSha256: 'ab'.repeat(32), completedAt: 6 });
    expect(await store.getSmartcard('sc-1')).toMatchObject({ status: 'pending', uziNumber: '900016528' });
    expect(await audited('g'.repeat(22))).toBe(1);

    // A cancel won: no Smartcard, no audit record, and the older pending card is not abandoned.
    await handoff('h'.repeat(22));
    await store.updateHandoff('h'.repeat(22), { state: 'cancelled' }, ['pending']);
    expect(await issue('h'.repeat(22), card('sc-2'))).toBe('not-pending');
    expect(await store.getSmartcard('sc-2')).toBeNull();
    expect(await store.getSmartcard('sc-1')).toMatchObject({ status: 'pending' });
    expect(await audited('h'.repeat(22))).toBe(0);

    // The audit record cannot be written: the request, the new card and the abandoning are rolled back with it.
    await handoff('i'.repeat(22));
    await expect(issue('i'.repeat(22), card('sc-3'), { unwritable: 1n })).rejects.toThrow();
    expect(await store.getHandoff('i'.repeat(22))).toMatchObject({ state: 'pending', certSha256: null, completedAt: null });
    expect(await store.getSmartcard('sc-3')).toBeNull();
    expect(await store.getSmartcard('sc-1')).toMatchObject({ status: 'pending' });

    // A live Smartcard already: the request stays open, nothing is written.
    expect(await store.setSmartcardStatus('sc-1', ['pending'], 'active', 7)).toBe(true);
    expect(await issue('i'.repeat(22), card('sc-4'))).toBe('exists');
    expect(await store.getHandoff('i'.repeat(22))).toMatchObject({ state: 'pending', certSha256: null, completedAt: null });
    expect(await store.getSmartcard('sc-4')).toBeNull();
    expect(await audited('i'.repeat(22))).toBe(0);
    // Another employee's card is not blocked by it.
    expect(await issue('i'.repeat(22), card('sc-5', '900016529'))).toBe('issued');
    await store.close();
  });

  it('ends only the login sessions a card opened', async () => {
    const store = openSqliteStore(join(dir, 'p.sqlite'));
    const base = { createdAt: 1, expiresAt: 10_000, holder: null, endedAt: null, endReason: null };
    await store.createSession({ ...base, id: 's1', kind: 'login', cardSessionId: 'card-1' });
    await store.createSession({ ...base, id: 's2', kind: 'login', cardSessionId: 'card-2' });
    expect(await store.endSessionsOfCard('card-1', 5, 'kaart-verwijderd')).toBe(1);
    expect(await store.getSession('s1')).toMatchObject({ endedAt: 5, endReason: 'kaart-verwijderd' });
    expect(await store.getSession('s2')).toMatchObject({ endedAt: null });
    expect(await store.endSessionsOfCard('card-1', 6, 'kaart-verwijderd')).toBe(0);
    await store.close();
  });
});
