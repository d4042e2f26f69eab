// The audit log in SQLite: append only, read newest first.
import type Database from 'better-sqlite3';
import type { ErrorCode } from '../errors';
import type { AuditEntry, AuditRecord, PortalStore } from './store';

/** One audit record, written synchronously: also inside another aggregate's transaction. */
export function auditInsert(db: Database.Database): (e: AuditEntry) => void {
  const insertAudit = db.prepare(
    'INSERT INTO audit (at, actor, action, outcome, request_id, code, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return (e) => void insertAudit.run(e.at, e.actor, e.action, e.outcome, e.requestId ?? null, e.code ?? null, e.detail ? JSON.stringify(e.detail) : null);
}

export function auditTable(db: Database.Database): Pick<PortalStore, 'audit' | 'listAudit'> {
  const insert = auditInsert(db);
  const selectAudit = db.prepare<[number], { seq: number; at: number; actor: string; action: string; outcome: string; request_id: string | null; code: string | null; detail_json: string | null }>(
    'SELECT * FROM audit ORDER BY seq DESC LIMIT ?',
  );
  return {
    async audit(e: AuditEntry) {
      insert(e);
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
  };
}
