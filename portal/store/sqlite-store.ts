// The SQLite adapter of the portal store: opens the database (WAL, synchronous FULL), runs the numbered
// migrations (migrations.ts) and composes one module per aggregate behind the one PortalStore.
import Database from 'better-sqlite3';
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
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a write whose call returned (and was answered) survives a power cut too, not only a crash
  // of the process (WAL's default NORMAL can lose the last commits on power loss).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 32 MiB of page cache (SQLite's default is 2 MiB): the hot indexes of a national portal stay in memory.
  db.pragma('cache_size = -32768');
  migrate(db);

  const persons = personTables(db);
  const memberships = membershipTables(db);
  const organisations = organisationTables(db, memberships.writes);
  return {
    ...handoffTables(db, { putUser: persons.writes.putUser, audit: auditInsert(db) }),
    ...sessionTables(db),
    ...loginQrTables(db),
    ...organisations.methods,
    ...persons.methods,
    ...memberships.methods,
    ...enrolmentCodeTables(db, { persons: persons.writes, memberships: memberships.writes, organisations: organisations.writes }),
    ...enrolmentHandoffTables(db),
    ...smartcardTables(db, { audit: auditInsert(db) }),
    ...auditTable(db),
    ...oidcTables(db),
    async close() {
      db.close();
    },
  };
}
