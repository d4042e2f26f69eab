// The SQLite adapter of the portal store: opens the database (WAL; each commit fsync'd before it is
// answered, by the group commit), runs the numbered migrations (migrations.ts) and composes one module
// per aggregate behind the one PortalStore, each method's writes joining the group commit of its turn
// of the event loop (group-commit.ts).
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { groupCommit, type GroupCommit } from './group-commit';
import { migrate } from './migrations';
import { auditInsert, auditTable } from './sqlite-audit';
import { enrolmentCodeTables, enrolmentHandoffTables } from './sqlite-enrolment';
import { handoffTables } from './sqlite-handoffs';
import { membershipTables } from './sqlite-memberships';
import { oidcTables } from './sqlite-oidc';
import { organisationTables } from './sqlite-organisations';
import { personTables } from './sqlite-persons';
import { loginQrTables, sessionTables } from './sqlite-sessions';
import { smartcardTables } from './sqlite-smartcards';
import type { PortalStore } from './store';

export function openSqliteStore(path: string): PortalStore {
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  // FULL until the group commit takes over the fsync of each commit (below): a write whose call
  // returned (and was answered) survives a power cut too, not only a crash of the process.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // 32 MiB of page cache (SQLite's default is 2 MiB): the hot indexes of a national portal stay in memory.
  raw.pragma('cache_size = -32768');
  migrate(raw);
  const wal = walSync(path);
  // NORMAL in WAL mode is FULL without the fsync at COMMIT; group-commit.ts does that fsync itself,
  // on the thread pool, before anyone hears back.
  if (wal) raw.pragma('synchronous = NORMAL');
  const group = groupCommit(raw, { syncWal: wal ?? undefined });
  const { db } = group;

  const persons = personTables(db);
  const memberships = membershipTables(db);
  const organisations = organisationTables(db, memberships.writes);
  // One prepared insert for the audit records other aggregates write inside their own transactions.
  const audit = auditInsert(db);
  const store: Omit<PortalStore, 'durable'> = {
    ...handoffTables(db, { putUser: persons.writes.putUser, audit }),
    ...sessionTables(db),
    ...loginQrTables(db),
    ...organisations.methods,
    ...persons.methods,
    ...memberships.methods,
    ...enrolmentCodeTables(db, { persons: persons.writes, memberships: memberships.writes, organisations: organisations.writes }),
    ...enrolmentHandoffTables(db),
    ...smartcardTables(db, { audit }),
    ...auditTable(db),
    ...oidcTables(db),
    async close() {
      group.flush();
      raw.close();
      wal?.close();
    },
  };
  return { ...viaGroupCommit(group, store), oidc: viaGroupCommit(group, store.oidc), durable: group.durable };
}

/**
 * The token's single-use mark is the one write that does not wait for its own commit: it only has to
 * win the compare-and-set, which it does in memory, and every path after it writes (the acceptance, the
 * failed state, the refusal's audit record) and waits for a commit that carries the mark too. Nothing is
 * answered on the mark alone (routes/portal-middleware.ts). One fsync wait fewer per token.
 */
const COMMITTED_BY_WHAT_FOLLOWS = new Set(['markHandoffUsed']);

/** Every method of `methods`, resolving once its writes are on disk. */
function viaGroupCommit<T extends object>(group: GroupCommit, methods: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(methods)) {
    const waits = typeof value === 'function' && name !== 'close' && !COMMITTED_BY_WHAT_FOLLOWS.has(name);
    wrapped[name] = waits ? group.method(value as (...a: unknown[]) => Promise<unknown>) : value;
  }
  return wrapped as T;
}

/**
 * fsync of the database's WAL file (`<path>-wal`, which lives as long as the connection), or null
 * where there is none to open (then SQLite keeps syncing at COMMIT itself). fsync flushes the file,
 * whichever descriptor asks, so SQLite's own frames are on disk when it returns.
 */
function walSync(path: string): { async(done: (err: Error | null) => void): void; sync(): void; close(): void } | null {
  let fd: number;
  try {
    fd = openSync(`${path}-wal`, 'r+');
  } catch {
    return null;
  }
  // Once closed, the number may belong to another file: never sync or close it again (a store closed twice).
  let open = true;
  return {
    async: (done) => (open ? fsync(fd, (err) => done(err)) : done(null)),
    sync: () => open && fsyncSync(fd),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
