// The app's one SQLite file (architecture.md "State"): settings and the hash-chained audit log.
// The only file of the app importing better-sqlite3. WAL so a reader (diagnostics) never blocks a
// writer, and synchronous=FULL so an audit record whose append() returned survives a crash or power
// loss: in WAL mode NORMAL may lose the last commits, FULL syncs the WAL on every commit.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import {
  AppSettingsPatchSchema,
  AppSettingsSchema,
  APP_SETTING_KEYS,
  DEFAULT_APP_SETTINGS,
  type AppSettings,
} from './app-settings';
import {
  AuditEntrySchema,
  canonicalJson,
  chainHash,
  GENESIS_HASH,
  type AuditEntry,
  type AuditRecord,
} from './audit-record';
import { MIGRATIONS, type Migration } from './migrations';

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

  const selectSettings = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsertSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const selectHead = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  const insertAudit = db.prepare<[number, string, string]>('INSERT INTO audit_log (seq, record, hash) VALUES (?, ?, ?)');
  const upsertHead = db.prepare<[number, string]>(
    'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  const selectAll = db.prepare<[], { seq: number; record: string; hash: string }>('SELECT seq, record, hash FROM audit_log ORDER BY seq');
  const selectFrom = db.prepare<[number], { seq: number; record: string; hash: string }>('SELECT seq, record, hash FROM audit_log WHERE seq > ? ORDER BY seq');
  const selectOne = db.prepare<[number], { record: string; hash: string }>('SELECT record, hash FROM audit_log WHERE seq = ?');
  // Prepared on first use: a store opened with only the first migration (tests) has no such table.
  let checkpointStatements: { select: Database.Statement<[], { seq: number; hash: string }>; upsert: Database.Statement<[number, string]> } | undefined;
  const checkpoint = () =>
    (checkpointStatements ??= {
      select: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_checkpoint WHERE id = 1'),
      upsert: db.prepare<[number, string]>(
        'INSERT INTO audit_checkpoint (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ),
    });
  const selectNewest = db.prepare<[number], { seq: number; record: string; hash: string }>(
    'SELECT seq, record, hash FROM (SELECT seq, record, hash FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq',
  );

  function getSettings(): AppSettings {
    const stored: Record<string, unknown> = {};
    for (const row of selectSettings.all()) {
      if (!(APP_SETTING_KEYS as string[]).includes(row.key)) continue;
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // damaged row: the default for this key below
      }
    }
    const out: Record<string, unknown> = { ...DEFAULT_APP_SETTINGS };
    for (const key of APP_SETTING_KEYS) {
      if (!(key in stored)) continue;
      const one = AppSettingsSchema.shape[key].safeParse(stored[key]);
      if (one.success) out[key] = one.data;
    }
    return AppSettingsSchema.parse(out);
  }

  const writeSettings = db.transaction((values: Partial<AppSettings>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value !== undefined) upsertSetting.run(key, JSON.stringify(value));
    }
  });

  function setSettings(patch: unknown): AppSettings {
    const parsed = AppSettingsPatchSchema.strict().safeParse(patch);
    if (!parsed.success) {
      throw new AppError('ERR_SETTINGS_INVALID', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    }
    writeSettings(parsed.data);
    return getSettings();
  }

  const append = db.transaction((entry: AuditEntry): StoredAuditRecord => {
    const head = selectHead.get() ?? { seq: 0, hash: GENESIS_HASH };
    const record: AuditRecord = { ...entry, seq: head.seq + 1 };
    const text = canonicalJson(record);
    const hash = chainHash(head.hash, text);
    insertAudit.run(record.seq, text, hash);
    upsertHead.run(record.seq, hash);
    return { record, hash };
  });

  function appendAudit(input: AuditInput): StoredAuditRecord {
    const parsed = AuditEntrySchema.safeParse({ ...input, at: input.at ?? clock() });
    if (!parsed.success) {
      // Field names and what was wrong, never the value: the value may be the very secret refused.
      throw new AppError('ERR_STORE_AUDIT_RECORD_INVALID', {
        fields: parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join(',') : i.path.join('.'))),
      });
    }
    // IMMEDIATE takes the write lock before reading the head, so two writers cannot fork the chain.
    return append.immediate(parsed.data);
  }

  function toStored(row: { record: string; hash: string }): StoredAuditRecord {
    return { record: JSON.parse(row.record) as AuditRecord, hash: row.hash };
  }

  /** The checkpoint's link must still be in the chain: its record, its hash, and that hash from the link before. */
  function checkpointHolds(cp: { seq: number; hash: string }): boolean {
    const row = selectOne.get(cp.seq);
    const before = cp.seq === 1 ? { hash: GENESIS_HASH } : selectOne.get(cp.seq - 1);
    return row !== undefined && before !== undefined && row.hash === cp.hash && chainHash(before.hash, row.record) === cp.hash;
  }

  function verifyAuditChain(options: { full?: boolean } = {}): AuditChainResult {
    const run = db.transaction((): AuditChainResult => {
      const cp = options.full ? undefined : checkpoint().select.get();
      if (cp && cp.seq > 0 && !checkpointHolds(cp)) return { ok: false, count: 0, brokenAt: cp.seq, reason: 'checkpoint-mismatch' };
      let prev = cp && cp.seq > 0 ? cp.hash : GENESIS_HASH;
      let count = cp && cp.seq > 0 ? cp.seq : 0;
      let expectedSeq = count + 1;
      for (const row of count > 0 ? selectFrom.iterate(count) : selectAll.iterate()) {
        if (row.seq !== expectedSeq) return { ok: false, count, brokenAt: expectedSeq, reason: 'gap' };
        let record: AuditRecord;
        try {
          const json: unknown = JSON.parse(row.record);
          const seq = (json as { seq?: unknown }).seq;
          const { seq: _seq, ...entry } = json as Record<string, unknown>;
          record = { ...AuditEntrySchema.parse(entry), seq: typeof seq === 'number' ? seq : -1 };
        } catch {
          return { ok: false, count, brokenAt: row.seq, reason: 'unparseable' };
        }
        if (record.seq !== row.seq) return { ok: false, count, brokenAt: row.seq, reason: 'reordered' };
        if (canonicalJson(record) !== row.record) return { ok: false, count, brokenAt: row.seq, reason: 'not-canonical' };
        if (chainHash(prev, row.record) !== row.hash) return { ok: false, count, brokenAt: row.seq, reason: 'hash-mismatch' };
        prev = row.hash;
        expectedSeq += 1;
        count += 1;
      }
      const head = selectHead.get();
      const headOk = head ? head.seq === count && head.hash === prev : count === 0;
      if (!headOk) return { ok: false, count, brokenAt: count + 1, reason: 'head-mismatch' };
      return { ok: true, count, head: prev };
    });
    // A read transaction: one consistent snapshot even while the app appends.
    const result = run.deferred();
    // What was just found sound need not be checked again at the next start; a failure moves nothing.
    if (result.ok && result.count > 0) checkpoint().upsert.run(result.count, result.head);
    return result;
  }

  return {
    path,
    schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
    journalMode: () => db.pragma('journal_mode', { simple: true }) as string,
    synchronous: () => db.pragma('synchronous', { simple: true }) as number,
    getSettings,
    setSettings,
    appendAudit,
    listAudit: (opts) => (opts?.limit !== undefined ? selectNewest.all(opts.limit) : selectAll.all()).map(toStored),
    verifyAuditChain,
    close: () => db.close(),
  };
}
