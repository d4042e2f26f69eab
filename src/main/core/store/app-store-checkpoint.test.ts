// The incremental chain check (issue 16): a start checks only what came after the last verified
// checkpoint, yet still catches tampering after it and a checkpoint that no longer fits the chain.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppStore, type AppStore } from './app-store';
import { GENESIS_HASH, chainHash } from './audit-record';

let dir: string;
let dbPath: string;
const open: AppStore[] = [];
const openStore = () => {
  const s = openAppStore({ path: dbPath, clock: () => 1_764_000_000_000 });
  open.push(s);
  return s;
};
const appendSome = (store: AppStore, n: number) => {
  for (let i = 0; i < n; i += 1) store.appendAudit({ flow: 'login', step: `step-${i}`, outcome: 'ok' });
};
const withRaw = <T>(fn: (db: Database.Database) => T): T => {
  const db = new Database(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
/** Rewrites records from..head with `edit`, recomputing every hash and the head, as a careful forger would. */
const rewriteFrom = (from: number, edit: (record: string) => string) =>
  withRaw((db) => {
    let prev = from === 1 ? GENESIS_HASH : db.prepare<[number], { hash: string }>('SELECT hash FROM audit_log WHERE seq = ?').get(from - 1)!.hash;
    const rows = db.prepare<[number], { seq: number; record: string }>('SELECT seq, record FROM audit_log WHERE seq >= ? ORDER BY seq').all(from);
    for (const row of rows) {
      const record = row.seq === from ? edit(row.record) : row.record;
      prev = chainHash(prev, record);
      db.prepare('UPDATE audit_log SET record = ?, hash = ? WHERE seq = ?').run(record, prev, row.seq);
    }
    db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
  });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-store-cp-'));
  dbPath = join(dir, 'zorgid.sqlite');
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit log: incremental chain check', () => {
  it('keeps the last verified link and checks only what came after it', () => {
    const a = openStore();
    appendSome(a, 5);
    expect(a.verifyAuditChain()).toMatchObject({ ok: true, count: 5 });
    expect(withRaw((db) => db.prepare('SELECT seq FROM audit_checkpoint').get())).toEqual({ seq: 5 });
    appendSome(a, 3);
    expect(a.verifyAuditChain()).toMatchObject({ ok: true, count: 8 });
    expect(withRaw((db) => db.prepare('SELECT seq FROM audit_checkpoint').get())).toEqual({ seq: 8 });
  });

  it('still detects a record edited after the checkpoint', () => {
    const a = openStore();
    appendSome(a, 4);
    a.verifyAuditChain();
    appendSome(a, 3);
    withRaw((db) => db.exec(`UPDATE audit_log SET record = replace(record, '"outcome":"ok"', '"outcome":"refused"') WHERE seq = 6`));
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 6, reason: 'hash-mismatch' });
    // A failed check does not move the checkpoint.
    expect(withRaw((db) => db.prepare('SELECT seq FROM audit_checkpoint').get())).toEqual({ seq: 4 });
  });

  it('still detects records cut off after the checkpoint', () => {
    const a = openStore();
    appendSome(a, 3);
    a.verifyAuditChain();
    appendSome(a, 2);
    withRaw((db) => db.exec('DELETE FROM audit_log WHERE seq = 5'));
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, reason: 'head-mismatch' });
  });

  it('detects history rewritten through the checkpoint with every hash recomputed (the checkpoint no longer fits)', () => {
    const a = openStore();
    appendSome(a, 6);
    a.verifyAuditChain();
    rewriteFrom(2, (r) => r.replace('"outcome":"ok"', '"outcome":"cancelled"'));
    // The full check cannot see this forgery: every link is consistent. The checkpoint can.
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 6, reason: 'checkpoint-mismatch' });
  });

  it('detects a broken checkpoint: a wrong hash, or a link that is not in the chain', () => {
    const a = openStore();
    appendSome(a, 3);
    a.verifyAuditChain();
    withRaw((db) => db.exec(`UPDATE audit_checkpoint SET hash = '${'ab'.repeat(32)}'`));
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 3, reason: 'checkpoint-mismatch' });
    withRaw((db) => db.exec('UPDATE audit_checkpoint SET seq = 9'));
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 9, reason: 'checkpoint-mismatch' });
  });

  it('a full check reads from the first record whatever the checkpoint says', () => {
    const a = openStore();
    appendSome(a, 5);
    a.verifyAuditChain();
    withRaw((db) => db.exec(`UPDATE audit_log SET record = replace(record, '"outcome":"ok"', '"outcome":"refused"') WHERE seq = 2`));
    // Before the checkpoint (and not its own link): the incremental check no longer reads it.
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: true, count: 5 });
    expect(openStore().verifyAuditChain({ full: true })).toMatchObject({ ok: false, brokenAt: 2, reason: 'hash-mismatch' });
  });
});
