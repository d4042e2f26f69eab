// The SQLite adapter of the portal store (the only portal file importing better-sqlite3). WAL mode,
// numbered migrations tracked in PRAGMA user_version.
import Database from 'better-sqlite3';
import type { UziHolder } from '../../src/shared/domain';
import type { ErrorCode } from '../../src/shared/errors';
import type { HandoffPurpose } from '../../src/shared/handoff-token';
import type {
  AuditEntry,
  AuditRecord,
  HandoffPatch,
  HandoffRecord,
  LoginQrRecord,
  PortalStore,
  SessionRecord,
  StoredHandoffState,
  UserRecord,
} from './store';

/** Append only: a migration that shipped is never edited; add the next number instead. */
export const MIGRATIONS: readonly string[] = [
  // 1: handoff requests, sessions, login QR codes, audit log
  `CREATE TABLE handoff_requests (
     id TEXT PRIMARY KEY,
     purpose TEXT NOT NULL,
     challenge TEXT NOT NULL,
     origin TEXT NOT NULL,
     ura TEXT,
     return_url TEXT NOT NULL,
     creator_session TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     fetched_at INTEGER,
     used_at INTEGER,
     browser_code_hash TEXT,
     holder_json TEXT,
     cert_sha256 TEXT,
     error_code TEXT,
     card_session_id TEXT UNIQUE,
     completed_at INTEGER
   );
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     holder_json TEXT,
     card_session_id TEXT,
     ended_at INTEGER,
     end_reason TEXT
   );
   CREATE INDEX sessions_card ON sessions(card_session_id);
   CREATE TABLE login_qr (
     code TEXT PRIMARY KEY,
     session TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     outcome TEXT NOT NULL,
     request_id TEXT,
     code TEXT,
     detail_json TEXT
   );`,
  // 2: card users (login needs an active, unblocked user bound to the card)
  `CREATE TABLE users (
     uzi_number TEXT PRIMARY KEY,
     ura TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'blocked')),
     cert_sha256 TEXT,
     created_at INTEGER NOT NULL,
     last_login_at INTEGER
   );`,
];

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}

interface HandoffRow {
  id: string;
  purpose: string;
  challenge: string;
  origin: string;
  ura: string | null;
  return_url: string;
  creator_session: string;
  created_at: number;
  expires_at: number;
  state: string;
  fetched_at: number | null;
  used_at: number | null;
  browser_code_hash: string | null;
  holder_json: string | null;
  cert_sha256: string | null;
  error_code: string | null;
  card_session_id: string | null;
  completed_at: number | null;
}

interface SessionRow {
  id: string;
  kind: string;
  created_at: number;
  expires_at: number;
  holder_json: string | null;
  card_session_id: string | null;
  ended_at: number | null;
  end_reason: string | null;
}

const parseHolder = (json: string | null): UziHolder | null => (json ? (JSON.parse(json) as UziHolder) : null);

function toHandoff(r: HandoffRow): HandoffRecord {
  return {
    id: r.id,
    purpose: r.purpose as HandoffPurpose,
    challenge: r.challenge,
    origin: r.origin,
    ura: r.ura,
    returnUrl: r.return_url,
    creatorSession: r.creator_session,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    state: r.state as StoredHandoffState,
    fetchedAt: r.fetched_at,
    usedAt: r.used_at,
    browserCodeHash: r.browser_code_hash,
    holder: parseHolder(r.holder_json),
    certSha256: r.cert_sha256,
    errorCode: r.error_code as ErrorCode | null,
    cardSessionId: r.card_session_id,
    completedAt: r.completed_at,
  };
}

function toSession(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    kind: r.kind as SessionRecord['kind'],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    holder: parseHolder(r.holder_json),
    cardSessionId: r.card_session_id,
    endedAt: r.ended_at,
    endReason: r.end_reason,
  };
}

const PATCH_COLUMNS: Record<keyof HandoffPatch, string> = {
  state: 'state',
  fetchedAt: 'fetched_at',
  browserCodeHash: 'browser_code_hash',
  holder: 'holder_json',
  certSha256: 'cert_sha256',
  errorCode: 'error_code',
  cardSessionId: 'card_session_id',
  completedAt: 'completed_at',
};

export function openSqliteStore(path: string): PortalStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const insertHandoff = db.prepare(
    `INSERT INTO handoff_requests (id, purpose, challenge, origin, ura, return_url, creator_session, created_at, expires_at, state,
       fetched_at, used_at, browser_code_hash, holder_json, cert_sha256, error_code, card_session_id, completed_at)
     VALUES (@id, @purpose, @challenge, @origin, @ura, @returnUrl, @creatorSession, @createdAt, @expiresAt, @state,
       @fetchedAt, @usedAt, @browserCodeHash, @holderJson, @certSha256, @errorCode, @cardSessionId, @completedAt)`,
  );
  const selectHandoff = db.prepare<[string], HandoffRow>('SELECT * FROM handoff_requests WHERE id = ?');
  const markUsed = db.prepare(
    `UPDATE handoff_requests SET used_at = ? WHERE id = ? AND used_at IS NULL AND state IN ('pending', 'card-read')`,
  );
  const insertSession = db.prepare(
    `INSERT INTO sessions (id, kind, created_at, expires_at, holder_json, card_session_id, ended_at, end_reason)
     VALUES (@id, @kind, @createdAt, @expiresAt, @holderJson, @cardSessionId, @endedAt, @endReason)`,
  );
  const selectSession = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const endSession = db.prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL');
  const endCardSessions = db.prepare(
    `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE card_session_id = ? AND kind = 'login' AND ended_at IS NULL`,
  );
  const insertQr = db.prepare('INSERT INTO login_qr (code, session, created_at, expires_at) VALUES (?, ?, ?, ?)');
  const selectQr = db.prepare<[string], { code: string; session: string; created_at: number; expires_at: number }>(
    'SELECT * FROM login_qr WHERE code = ?',
  );
  const selectUser = db.prepare<[string], { uzi_number: string; ura: string; status: string; cert_sha256: string | null; created_at: number; last_login_at: number | null }>(
    'SELECT * FROM users WHERE uzi_number = ?',
  );
  const upsertUser = db.prepare(
    `INSERT INTO users (uzi_number, ura, status, cert_sha256, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(uzi_number) DO UPDATE SET ura = excluded.ura, status = excluded.status, cert_sha256 = excluded.cert_sha256,
       last_login_at = excluded.last_login_at`,
  );
  const insertAudit = db.prepare(
    'INSERT INTO audit (at, actor, action, outcome, request_id, code, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const selectAudit = db.prepare<[number], { seq: number; at: number; actor: string; action: string; outcome: string; request_id: string | null; code: string | null; detail_json: string | null }>(
    'SELECT * FROM audit ORDER BY seq DESC LIMIT ?',
  );

  return {
    async createHandoff(r) {
      insertHandoff.run({ ...r, holderJson: r.holder ? JSON.stringify(r.holder) : null });
    },
    async getHandoff(id) {
      const row = selectHandoff.get(id);
      return row ? toHandoff(row) : null;
    },
    async markHandoffUsed(id, at) {
      return markUsed.run(at, id).changes === 1;
    },
    async updateHandoff(id, patch, from) {
      const keys = Object.keys(patch) as Array<keyof HandoffPatch>;
      if (keys.length === 0 || from.length === 0) return false;
      const sets = keys.map((k) => `${PATCH_COLUMNS[k]} = @${k}`).join(', ');
      const values: Record<string, unknown> = { id };
      for (const k of keys) values[k] = k === 'holder' ? (patch.holder ? JSON.stringify(patch.holder) : null) : patch[k];
      from.forEach((s, i) => (values[`from${i}`] = s));
      const fromList = from.map((_, i) => `@from${i}`).join(', ');
      return db.prepare(`UPDATE handoff_requests SET ${sets} WHERE id = @id AND state IN (${fromList})`).run(values).changes === 1;
    },
    async createSession(s) {
      insertSession.run({ ...s, holderJson: s.holder ? JSON.stringify(s.holder) : null });
    },
    async getSession(id) {
      const row = selectSession.get(id);
      return row ? toSession(row) : null;
    },
    async endSession(id, at, reason) {
      return endSession.run(at, reason, id).changes === 1;
    },
    async endSessionsOfCard(cardSessionId, at, reason) {
      return endCardSessions.run(at, reason, cardSessionId).changes;
    },
    async createLoginQr(q: LoginQrRecord) {
      insertQr.run(q.code, q.session, q.createdAt, q.expiresAt);
    },
    async getLoginQr(code) {
      const r = selectQr.get(code);
      return r ? { code: r.code, session: r.session, createdAt: r.created_at, expiresAt: r.expires_at } : null;
    },
    async getUser(uziNumber) {
      const r = selectUser.get(uziNumber);
      return r
        ? { uziNumber: r.uzi_number, ura: r.ura, status: r.status as UserRecord['status'], certSha256: r.cert_sha256, createdAt: r.created_at, lastLoginAt: r.last_login_at }
        : null;
    },
    async putUser(u) {
      upsertUser.run(u.uziNumber, u.ura, u.status, u.certSha256, u.createdAt, u.lastLoginAt);
    },
    async audit(e: AuditEntry) {
      insertAudit.run(e.at, e.actor, e.action, e.outcome, e.requestId ?? null, e.code ?? null, e.detail ? JSON.stringify(e.detail) : null);
    },
    async listAudit(limit = 1000) {
      return selectAudit.all(limit).map(
        (r): AuditRecord => ({
          seq: r.seq,
          at: r.at,
          actor: r.actor,
          action: r.action,
          outcome: r.outcome as AuditRecord['outcome'],
          requestId: r.request_id,
          code: r.code as ErrorCode | null,
          detail: r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null,
        }),
      );
    },
    async close() {
      db.close();
    },
  };
}
