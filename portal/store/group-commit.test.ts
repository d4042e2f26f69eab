// Group commit against real SQLite files: writes of one turn share a commit, a caller that wrote hears
// back only after it is on disk (a second connection sees it), a read does not wait, a transaction
// keeps its own all-or-nothing inside the batch, and a failed commit reaches every caller in it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupCommit, type GroupCommit } from './group-commit';

let dir: string;
let raw: Database.Database;
let other: Database.Database;
let scheduled: Array<() => void>;
let group: GroupCommit;

const settled = async (p: Promise<unknown>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setTimeout(r, 5));
  return state;
};
const runScheduled = () => scheduled.splice(0).forEach((fn) => fn());
const rowsSeenByAnotherConnection = () => other.prepare('SELECT v FROM t ORDER BY v').pluck().all();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-group-commit-'));
  const path = join(dir, 'g.sqlite');
  raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.exec(`CREATE TABLE t (v TEXT PRIMARY KEY);
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
  other = new Database(path, { readonly: true });
  scheduled = [];
  group = groupCommit(raw, { schedule: (fn) => scheduled.push(fn) });
});
afterEach(() => {
  other.close();
  raw.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('writes of one turn share one transaction; each caller hears back once it is on disk', async () => {
    const insert = group.db.prepare('INSERT INTO t (v) VALUES (?)');
    const put = group.method(async (v: string) => void insert.run(v));
    const a = put('a');
    const b = put('b');
    expect(scheduled).toHaveLength(1); // one commit for both
    expect(group.durable()).not.toBeNull();
    expect(await settled(a)).toBe('pending');
    expect(rowsSeenByAnotherConnection()).toEqual([]);
    runScheduled();
    await Promise.all([a, b]);
    expect(rowsSeenByAnotherConnection()).toEqual(['a', 'b']);
    expect(group.durable()).toBeNull();
    // The next write opens the next batch.
    const c = put('c');
    expect(scheduled).toHaveLength(1);
    runScheduled();
    await c;
    expect(rowsSeenByAnotherConnection()).toEqual(['a', 'b', 'c']);
  });

  it('a read does not wait for the open batch, and sees its writes', async () => {
    const insert = group.db.prepare('INSERT INTO t (v) VALUES (?)');
    const count = group.db.prepare('SELECT count(*) FROM t').pluck();
    const put = group.method(async (v: string) => void insert.run(v));
    const read = group.method(async () => count.get() as number);
    const w = put('a');
    expect(await read()).toBe(1);
    expect(await settled(w)).toBe('pending');
    runScheduled();
    await w;
  });

  it('a transaction that throws inside the batch undoes only itself', async () => {
    const insert = group.db.prepare('INSERT INTO t (v) VALUES (?)');
    const both = group.db.transaction((x: string, y: string) => {
      insert.run(x);
      insert.run(y); // duplicate key on the second call below
    });
    const put = group.method(async (v: string) => void insert.run(v));
    const pair = group.method(async (x: string, y: string) => both(x, y));
    const kept = put('kept');
    await expect(pair('half', 'kept')).rejects.toThrow(/UNIQUE/);
    const ok = pair('x', 'y');
    runScheduled();
    await Promise.all([kept, ok]);
    expect(rowsSeenByAnotherConnection()).toEqual(['kept', 'x', 'y']);
  });

  it('a commit that fails reaches every caller of its batch, and nothing of it is on disk', async () => {
    const insert = group.db.prepare('INSERT INTO t (v) VALUES (?)');
    const orphan = group.db.prepare('INSERT INTO child (p) VALUES (?)');
    const put = group.method(async (v: string) => void insert.run(v));
    const addOrphan = group.method(async (p: number) => void orphan.run(p));
    const a = put('a');
    const b = addOrphan(42); // a deferred foreign key: only COMMIT finds it
    runScheduled();
    await expect(a).rejects.toThrow(/FOREIGN KEY/);
    await expect(b).rejects.toThrow(/FOREIGN KEY/);
    expect(rowsSeenByAnotherConnection()).toEqual([]);
    expect(raw.inTransaction).toBe(false);
    // The store goes on: the next batch commits.
    const c = put('c');
    runScheduled();
    await c;
    expect(rowsSeenByAnotherConnection()).toEqual(['c']);
  });

  it('flush commits the open batch at once (close)', async () => {
    const put = group.method(async (v: string) => void group.db.prepare('INSERT INTO t (v) VALUES (?)').run(v));
    const a = put('a');
    group.flush();
    await a;
    expect(rowsSeenByAnotherConnection()).toEqual(['a']);
    runScheduled(); // the scheduled commit finds nothing open
    expect(raw.inTransaction).toBe(false);
  });

  it('with syncWal: a caller hears back only after the disk has the batch; a failed fsync reaches it', async () => {
    const syncs: Array<(err: Error | null) => void> = [];
    let syncedSynchronously = 0;
    const synced = groupCommit(raw, {
      schedule: (fn) => scheduled.push(fn),
      syncWal: { async: (done) => syncs.push(done), sync: () => void syncedSynchronously++ },
    });
    const put = synced.method(async (v: string) => void synced.db.prepare('INSERT INTO t (v) VALUES (?)').run(v));
    const a = put('a');
    runScheduled();
    expect(rowsSeenByAnotherConnection()).toEqual(['a']); // committed …
    expect(syncs).toHaveLength(1);
    expect(await settled(a)).toBe('pending'); // … but not yet on disk: no answer
    expect(synced.durable()).not.toBeNull(); // and an answer that read it waits too
    syncs.shift()!(null);
    await a;
    expect(synced.durable()).toBeNull();

    const b = put('b');
    runScheduled();
    syncs.shift()!(new Error('EIO'));
    await expect(b).rejects.toThrow('EIO');

    // close: the open batch is committed and synced at once.
    const c = put('c');
    synced.flush();
    await c;
    expect(syncedSynchronously).toBe(1);
    expect(syncs).toHaveLength(0);

    // close while an fsync is under way: synced at once, and its late failure (a closed descriptor) is moot.
    const d = put('d');
    runScheduled();
    expect(syncs).toHaveLength(1);
    synced.flush();
    await d;
    expect(syncedSynchronously).toBe(2);
    syncs.shift()!(new Error('EBADF'));
    expect(synced.durable()).toBeNull();
  });
});
