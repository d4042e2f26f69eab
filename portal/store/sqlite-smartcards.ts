// ZORG-ID Smartcard accounts (seed 003) in SQLite: at most one live card per UZI-nummer, status changes
// as compare-and-set transactions.
import type Database from 'better-sqlite3';
import { handoffCompletion } from './sqlite-handoffs';
import type { AuditEntry, PortalStore, SmartcardRecord, SmartcardStatus } from './store';

type SmartcardIssue = Parameters<PortalStore['issueSmartcard']>[0];

interface SmartcardRow {
  id: string;
  uzi_number: string;
  ura: string;
  person_id: string | null;
  name: string;
  cert_sha256: string;
  cert_der: string;
  serial_hex: string;
  status: string;
  activation_challenge: string;
  created_at: number;
  activated_at: number | null;
  block_reason: string | null;
  blocked_at: number | null;
  removed_at: number | null;
}

const toSmartcard = (r: SmartcardRow): SmartcardRecord => ({
  id: r.id,
  uziNumber: r.uzi_number,
  ura: r.ura,
  personId: r.person_id,
  name: r.name,
  certSha256: r.cert_sha256,
  certDer: r.cert_der,
  serialHex: r.serial_hex,
  status: r.status as SmartcardStatus,
  activationChallenge: r.activation_challenge,
  createdAt: r.created_at,
  activatedAt: r.activated_at,
  blockReason: r.block_reason as SmartcardRecord['blockReason'],
  blockedAt: r.blocked_at,
  removedAt: r.removed_at,
});

type SmartcardMethods = Pick<
  PortalStore,
  'createSmartcard' | 'issueSmartcard' | 'getSmartcard' | 'findSmartcardByCert' | 'findLiveSmartcardByUzi' | 'listSmartcards' | 'setSmartcardStatus' | 'listRemovedSmartcards'
>;

/** The audit record a certified Smartcard writes (sqlite-audit.ts), for the one transaction. */
export interface SmartcardIssueWrites {
  audit(e: AuditEntry): void;
}

export function smartcardTables(db: Database.Database, writes: SmartcardIssueWrites): SmartcardMethods {
  const selectSmartcard = db.prepare<[string], SmartcardRow>('SELECT * FROM smartcards WHERE id = ?');
  const selectSmartcardByCert = db.prepare<[string], SmartcardRow>('SELECT * FROM smartcards WHERE cert_sha256 = ?');
  const selectLiveSmartcard = db.prepare<[string], SmartcardRow>(
    `SELECT * FROM smartcards WHERE uzi_number = ? AND status IN ('active', 'blocked') ORDER BY created_at DESC LIMIT 1`,
  );
  const selectSmartcardsOfUra = db.prepare<[string], SmartcardRow>('SELECT * FROM smartcards WHERE ura = ? ORDER BY created_at');
  const selectRemovedSmartcards = db.prepare<[], { serial_hex: string; removed_at: number }>(
    `SELECT serial_hex, removed_at FROM smartcards WHERE status = 'removed' AND removed_at IS NOT NULL ORDER BY removed_at, serial_hex`,
  );
  const createSmartcardTx = db.transaction((r: SmartcardRecord): boolean => {
    if (selectLiveSmartcard.get(r.uziNumber)) return false;
    db.prepare(`UPDATE smartcards SET status = 'abandoned' WHERE uzi_number = ? AND status = 'pending'`).run(r.uziNumber);
    db.prepare(
      `INSERT INTO smartcards (id, uzi_number, ura, person_id, name, cert_sha256, cert_der, serial_hex, status, activation_challenge,
         created_at, activated_at, block_reason, blocked_at, removed_at)
       VALUES (@id, @uziNumber, @ura, @personId, @name, @certSha256, @certDer, @serialHex, @status, @activationChallenge,
         @createdAt, @activatedAt, @blockReason, @blockedAt, @removedAt)`,
    ).run(r);
    return true;
  });
  // The handoff's compare-and-set is its own module's (sqlite-handoffs.ts). An answer returned commits
  // (only a throw rolls back), so both refusals come before any write: they leave nothing behind.
  const completeHandoff = handoffCompletion(db);
  const issueSmartcardTx = db.transaction((i: SmartcardIssue): 'issued' | 'exists' | 'not-pending' => {
    if (selectLiveSmartcard.get(i.record.uziNumber)) return 'exists';
    if (!completeHandoff(i.handoff)) return 'not-pending';
    createSmartcardTx(i.record);
    writes.audit(i.audit);
    return 'issued';
  });
  const setSmartcardStatusTx = db.transaction(
    (id: string, from: readonly SmartcardStatus[], to: SmartcardStatus, at: number, reason: string | null): boolean => {
      const row = selectSmartcard.get(id);
      if (!row || !from.includes(row.status as SmartcardStatus)) return false;
      // Activation must not make a second live Smartcard for one person (a race of two creations).
      if (to === 'active' && row.status === 'pending') {
        const live = selectLiveSmartcard.get(row.uzi_number);
        if (live && live.id !== id) return false;
      }
      db.prepare(
        `UPDATE smartcards SET status = ?,
           activated_at = CASE WHEN ? = 'active' AND activated_at IS NULL THEN ? ELSE activated_at END,
           block_reason = CASE WHEN ? = 'blocked' THEN ? ELSE block_reason END,
           blocked_at = CASE WHEN ? = 'blocked' THEN ? ELSE blocked_at END,
           removed_at = CASE WHEN ? = 'removed' THEN ? ELSE removed_at END
         WHERE id = ?`,
      ).run(to, to, at, to, reason, to, at, to, at, id);
      return true;
    },
  );
  return {
    async createSmartcard(record) {
      return createSmartcardTx(record);
    },
    async issueSmartcard(input) {
      return issueSmartcardTx(input);
    },
    async getSmartcard(id) {
      const r = selectSmartcard.get(id);
      return r ? toSmartcard(r) : null;
    },
    async findSmartcardByCert(certSha256) {
      const r = selectSmartcardByCert.get(certSha256);
      return r ? toSmartcard(r) : null;
    },
    async findLiveSmartcardByUzi(uziNumber) {
      const r = selectLiveSmartcard.get(uziNumber);
      return r ? toSmartcard(r) : null;
    },
    async listSmartcards(ura) {
      return selectSmartcardsOfUra.all(ura).map(toSmartcard);
    },
    async setSmartcardStatus(id, from, to, at, reason = null) {
      return setSmartcardStatusTx(id, from, to, at, reason);
    },
    async listRemovedSmartcards() {
      return selectRemovedSmartcards.all().map((r) => ({ serialHex: r.serial_hex, removedAt: r.removed_at }));
    },
  };
}
