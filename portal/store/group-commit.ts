// Group commit (issue 16): the writes of one turn of the event loop share one transaction, and so one
// fsync, where each used to be a commit of its own with its own fsync on the event loop. Under load
// that fsync was most of a token's cost. What callers see does not change: a store call that wrote
// resolves only once its transaction is on disk, so "returned means durable" still holds; a call that
// only read resolves at once. A read may see a write of the open batch; `durable()` lets the portal
// hold every answer until that batch is on disk (routes/portal-middleware.ts), so nothing is answered
// that a crash or a power cut could undo.
//
// The fsync is the caller's `syncWal` (sqlite-store.ts: the WAL file's, on libuv's thread pool), run
// after COMMIT and before anyone of the batch hears back, so the event loop goes on serving while the
// disk works; SQLite itself then runs with synchronous = NORMAL, which in WAL mode differs from FULL
// only in that fsync at commit. Without `syncWal` COMMIT is trusted to have synced (synchronous FULL).
//
// Statements are wrapped, not rewritten: `db` hands the store modules prepared statements whose writes
// (better-sqlite3's `readonly` is false) first join the open batch, and transactions that run as
// savepoints inside it, keeping their own all-or-nothing.
import type Database from 'better-sqlite3';

export interface GroupCommit {
  /** The database as the store modules use it. */
  db: Database.Database;
  /** One store method: resolves after the batch its writes joined has committed. */
  method<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
  /** The commit of the batch open now; null when no write waits. */
  durable(): Promise<void> | null;
  /** Commits the open batch now and waits for the disk, synchronously (before the database closes). */
  flush(): void;
}

export interface GroupCommitOptions {
  /** When the batch's COMMIT runs; default setImmediate (after this turn's I/O callbacks). */
  schedule?: (fn: () => void) => void;
  /** Makes what COMMIT wrote durable, off the event loop; `done(err)` when the disk has it. */
  syncWal?: { async(done: (err: Error | null) => void): void; sync(): void };
}

interface Batch {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // Every caller that wrote awaits it; this only keeps a batch nobody awaits from an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const CHAINING = new Set(['pluck', 'expand', 'raw', 'bind', 'safeIntegers']);
const EXECUTING = new Set(['run', 'get', 'all', 'iterate']);

export function groupCommit(raw: Database.Database, options: GroupCommitOptions = {}): GroupCommit {
  const { schedule = setImmediate, syncWal } = options;
  let open: Batch | null = null;
  // The last batch committed but not yet on disk (its fsync under way).
  let syncing: Batch | null = null;
  let last: Promise<void> = Promise.resolve();
  let writes = 0;

  const committed = (batch: Batch, synchronously: boolean) => {
    if (!syncWal) return batch.resolve();
    if (synchronously) {
      syncWal.sync();
      return batch.resolve();
    }
    syncing = batch;
    syncWal.async((err) => {
      if (syncing === batch) syncing = null;
      if (err) batch.reject(err);
      else batch.resolve();
    });
  };

  const commit = (synchronously = false) => {
    const batch = open;
    if (!batch) return;
    open = null;
    try {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR): then the
      // batch's writes are gone, and each caller must hear so.
      if (!raw.inTransaction) throw new Error('the group commit transaction was rolled back');
      raw.exec('COMMIT');
    } catch (err) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      batch.reject(err);
      return;
    }
    try {
      committed(batch, synchronously);
    } catch (err) {
      batch.reject(err);
    }
  };

  const enlist = () => {
    writes++;
    if (open && !raw.inTransaction) commit(); // rolled back under us: fail that batch, start anew
    if (open) return;
    raw.exec('BEGIN IMMEDIATE');
    open = newBatch();
    last = open.promise;
    schedule(() => commit());
  };

  const statement = (stmt: Database.Statement): Database.Statement => {
    if (stmt.readonly) return stmt;
    const proxy: Database.Statement = new Proxy(stmt, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        if (EXECUTING.has(key)) {
          return (...args: unknown[]) => {
            enlist();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        if (CHAINING.has(key)) {
          return (...args: unknown[]) => {
            const r = (value as (...a: unknown[]) => unknown).apply(target, args);
            return r === target ? proxy : r;
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    return proxy;
  };

  const transaction = (fn: (...args: never[]) => unknown) => {
    const tx = raw.transaction(fn);
    // Inside the open batch better-sqlite3 runs it as a savepoint: all-or-nothing within the batch.
    const joined = (...args: never[]) => {
      enlist();
      return tx(...args);
    };
    return Object.assign(joined, { default: joined, deferred: joined, immediate: joined, exclusive: joined });
  };

  const db = new Proxy(raw, {
    get(target, key) {
      if (key === 'prepare') return (sql: string) => statement(target.prepare(sql));
      if (key === 'transaction') return transaction;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

  return {
    db,
    method(fn) {
      return async (...args) => {
        const before = writes;
        const result = await fn(...args);
        if (writes !== before) await (open?.promise ?? last);
        return result;
      };
    },
    durable: () => open?.promise ?? syncing?.promise ?? null,
    flush() {
      if (open) return commit(true);
      if (!syncing) return;
      // On disk now; the fsync still under way may fail once the descriptor is closed: it comes too late.
      syncWal?.sync();
      syncing.resolve();
      syncing = null;
    },
  };
}
