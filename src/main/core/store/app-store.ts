// The app's one SQLite file (architecture.md "State"): settings and the hash-chained audit log.
// The only file of the app importing better-sqlite3. WAL so a reader (diagnostics) never blocks a
// writer, and synchronous=FULL so an audit record whose append() returned survives a crash or power
// loss: in WAL mode NORMAL may lose the last commits, FULL syncs the WAL on every commit.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { AppSettings } from './app-settings';
import { auditChain } from './audit-chain';
import type { AuditEntry, AuditRecord } from './audit-record';
import { MIGRATIONS, type Migration } from './migrations';
import { settingsTable } from './settings-table';

export interface AppStoreOptions {
  /** File path; ':memory:' is refused (no WAL, nothing survives): tests use a temp dir. */
  path: string;
  clock: () => number;
  /** Only for tests of the migration runner. */
  migrations?: readonly Migration[];
}

export type AuditInput = Omit<AuditEntry, 'at'> & { at?: number };

export interface StoredAuditRecord {
  record: AuditRecord;
  hash: string;
}

export type AuditChainBreak = 'gap' | 'reordered' | 'unparseable' | 'not-canonical' | 'hash-mismatch' | 'head-mismatch' | 'checkpoint-mismatch';

export type AuditChainResult =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; brokenAt: number; reason: AuditChainBreak };

export interface AppStore {
  readonly path: string;
  schemaVersion(): number;
  journalMode(): string;
  /** PRAGMA synchronous: 2 is FULL. */
  synchronous(): number;
  getSettings(): AppSettings;
  /** Validates the patch (zod) and stores it; throws AppError ERR_SETTINGS_INVALID. */
  setSettings(patch: unknown): AppSettings;
  /**
   * Appends one audit record and returns once it is durably on disk. Throws
   * ERR_STORE_AUDIT_RECORD_INVALID for an unknown field (a PIN, a challenge, a certificate) or a
   * value that is too long or not of its kind; the message names fields, never their values.
   */
  appendAudit(entry: AuditInput): StoredAuditRecord;
  /** Newest last; `limit` takes the newest n. */
  listAudit(options?: { limit?: number }): StoredAuditRecord[];
  /**
   * Checks the chain from the last verified checkpoint (or the first record) to the head, and on
   * success moves the checkpoint to the head. `full` checks from the first record whatever the
   * checkpoint says (a support desk's deep check).
   */
  verifyAuditChain(options?: { full?: boolean }): AuditChainResult;
  close(): void;
}

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
