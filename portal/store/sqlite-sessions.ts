// Browser sessions and the login QR codes shown on the landing page, in SQLite.
import type Database from 'better-sqlite3';
import { parseHolder } from './holder-json';
import type { LoginQrRecord, PortalStore, SessionRecord } from './store';

interface SessionRow {
  id: string;
  kind: string;
  created_at: number;
  expires_at: number;
  holder_json: string | null;
  card_session_id: string | null;
  ended_at: number | null;
  end_reason: string | null;
  mobile_id: string | null;
}

interface LoginQrRow {
  code: string;
  session: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  mobile_id: string | null;
  confirm_code: string | null;
  voided_at: number | null;
}

const loginQrFromRow = (r: LoginQrRow): LoginQrRecord => ({
  code: r.code,
  session: r.session,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  mobileId: r.mobile_id,
  confirmCode: r.confirm_code,
  voidedAt: r.voided_at,
});

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
    mobileId: r.mobile_id,
  };
}

type SessionMethods = Pick<PortalStore, 'createSession' | 'getSession' | 'endSession' | 'endSessionsOfCard'>;

export function sessionTables(db: Database.Database): SessionMethods {
  const insertSession = db.prepare(
    `INSERT INTO sessions (id, kind, created_at, expires_at, holder_json, card_session_id, ended_at, end_reason, mobile_id)
     VALUES (@id, @kind, @createdAt, @expiresAt, @holderJson, @cardSessionId, @endedAt, @endReason, @mobileId)`,
  );
  const selectSession = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const endSession = db.prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL');
  const endCardSessions = db.prepare(
    `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE card_session_id = ? AND kind = 'login' AND ended_at IS NULL`,
  );
  return {
    async createSession(s) {
      insertSession.run({ ...s, holderJson: s.holder ? JSON.stringify(s.holder) : null, mobileId: s.mobileId ?? null });
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
  };
}

type LoginQrMethods = Pick<PortalStore, 'createLoginQr' | 'getLoginQr' | 'markLoginQrUsed' | 'voidLoginQr' | 'findRedeemedLoginQr' | 'findLatestLoginQr'>;

export function loginQrTables(db: Database.Database): LoginQrMethods {
  const insertQr = db.prepare('INSERT INTO login_qr (code, session, created_at, expires_at, confirm_code) VALUES (?, ?, ?, ?, ?)');
  const selectQr = db.prepare<[string], LoginQrRow>('SELECT * FROM login_qr WHERE code = ?');
  const voidQr = db.prepare('UPDATE login_qr SET voided_at = ? WHERE code = ? AND used_at IS NULL AND voided_at IS NULL');
  const markQrUsed = db.prepare('UPDATE login_qr SET used_at = ?, mobile_id = ? WHERE code = ? AND used_at IS NULL AND voided_at IS NULL AND expires_at > ?');
  const selectRedeemedQr = db.prepare<[string], LoginQrRow>('SELECT * FROM login_qr WHERE session = ? AND used_at IS NOT NULL ORDER BY used_at DESC LIMIT 1');
  const selectLatestQr = db.prepare<[string], LoginQrRow>('SELECT * FROM login_qr WHERE session = ? ORDER BY created_at DESC, rowid DESC LIMIT 1');
  return {
    async createLoginQr(q: LoginQrRecord) {
      insertQr.run(q.code, q.session, q.createdAt, q.expiresAt, q.confirmCode ?? null);
    },
    async getLoginQr(code) {
      const r = selectQr.get(code);
      return r ? loginQrFromRow(r) : null;
    },
    async markLoginQrUsed(code, at, mobileId) {
      return markQrUsed.run(at, mobileId, code, at).changes === 1;
    },
    async voidLoginQr(code, at) {
      return voidQr.run(at, code).changes === 1;
    },
    async findRedeemedLoginQr(session) {
      const r = selectRedeemedQr.get(session);
      return r ? loginQrFromRow(r) : null;
    },
    async findLatestLoginQr(session) {
      const r = selectLatestQr.get(session);
      return r ? loginQrFromRow(r) : null;
    },
  };
}
