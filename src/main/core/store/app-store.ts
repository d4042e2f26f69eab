// The app's one SQLite file (architecture.md "State"): settings and the hash-chained audit log.
// The only file of the app importing better-sqlite3. WAL so a reader (diagnostics) never blocks a
// writer, and synchronous=FULL so an audit record whose append() returned survives a crash or power
// loss: in WAL mode NORMAL may lose the last commits, FULL syncs the WAL on every commit.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import { auditChain } from './audit-chain';
import type { AppStore } from './app-store-types';
import { MIGRATIONS, type Migration } from './migrations';
import { settingsTable } from './settings-table';

export interface AppStoreOptions {
  /** File path; ':memory:' is refused (no WAL, nothing survives): tests use a temp dir. */
  path: string;
  clock: () => number;
  /** Only for tests of the migration runner. */
  migrations?: readonly Migration[];
}

export type { AppStore, AuditChainBreak, AuditChainResult, AuditInput, StoredAuditRecord } from './app-store-types';

function runMigrations(db: Database.Database, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new AppError('ERR_STORE_MIGRATION_FAILED', { reason: 'numbering', migration: m.name });
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    // A newer app wrote this file; touching it could lose what that version added.
    throw new AppError('ERR_STORE_SCHEMA_TOO_NEW', { fileVersion: current, appVersion: migrations.length });
  }
  for (const m of migrations.slice(current)) {
    const apply = db.transaction(() => {
      db.exec(m.sql);
      // PRAGMA takes no bound parameters; the version is our own integer.
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      // IMMEDIATE: a second process opening the same file waits instead of migrating twice.
      apply.immediate();
    } catch (err) {
      throw new AppError('ERR_STORE_MIGRATION_FAILED', { migration: m.name }, { cause: err });
    }
  }
}

export function openAppStore(options: AppStoreOptions): AppStore {
  const { path, clock } = options;
  if (path === ':memory:' || path === '') throw new AppError('ERR_STORE_UNAVAILABLE', { reason: 'file path required' });
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new AppError('ERR_STORE_UNAVAILABLE', { reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
  try {
    runMigrations(db, options.migrations ?? MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }

  return {
    path,
    schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
    journalMode: () => db.pragma('journal_mode', { simple: true }) as string,
    synchronous: () => db.pragma('synchronous', { simple: true }) as number,
    ...settingsTable(db),
    ...auditChain(db, clock),
    close: () => db.close(),
  };
}
