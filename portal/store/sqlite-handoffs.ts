// Handoff requests in SQLite: created by the browser, fetched and signed for by the app, compare-and-set
// on their state so a cancel, a token and an expiry never both win.
import type Database from 'better-sqlite3';
import type { ErrorCode } from '../errors';
import type { HandoffPurpose } from '@zorgid/protocol';
import { parseHolder } from './holder-json';
import type { AuditEntry, HandoffPatch, HandoffRecord, PortalStore, StoredHandoffState, UserRecord } from './store';

type TokenAcceptance = Parameters<PortalStore['acceptHandoffToken']>[0];

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

type HandoffMethods = Pick<PortalStore, 'createHandoff' | 'getHandoff' | 'markHandoffUsed' | 'updateHandoff' | 'acceptHandoffToken'>;

/** The rows a taken token writes besides its handoff (sqlite-persons.ts, sqlite-audit.ts), for the one transaction. */
export interface TokenAcceptanceWrites {
  putUser(u: UserRecord): void;
  audit(e: AuditEntry): void;
}

/** The done fields of a handoff another aggregate completes (a certified Smartcard, sqlite-smartcards.ts). */
export type HandoffCompletion = Parameters<PortalStore['issueSmartcard']>[0]['handoff'];

/**
 * Compare-and-set pending/card-read → done, written synchronously so that it can join another
 * aggregate's transaction; false when the request is no longer open (a cancel won).
 */
export function handoffCompletion(db: Database.Database): (done: HandoffCompletion) => boolean {
  const complete = db.prepare(
    `UPDATE handoff_requests SET state = 'done', holder_json = @holderJson, cert_sha256 = @certSha256, completed_at = @completedAt
     WHERE id = @id AND state IN ('pending', 'card-read')`,
  );
  return ({ holder, ...done }) => complete.run({ ...done, holderJson: holder ? JSON.stringify(holder) : null }).changes === 1;
}

export function handoffTables(db: Database.Database, writes: TokenAcceptanceWrites): HandoffMethods {
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
  const markDone = db.prepare(
    `UPDATE handoff_requests SET state = 'done', holder_json = @holderJson, browser_code_hash = @browserCodeHash, cert_sha256 = @certSha256,
       card_session_id = @cardSessionId WHERE id = @id AND state IN ('pending', 'card-read')`,
  );
  const accept = db.transaction((a: TokenAcceptance): boolean => {
    const { holder, ...done } = a.done;
    if (markDone.run({ id: a.id, holderJson: holder ? JSON.stringify(holder) : null, ...done }).changes !== 1) return false;
    if (a.user) writes.putUser(a.user);
    writes.audit(a.audit);
    return true;
  });
  return {
    async acceptHandoffToken(a) {
      return accept(a);
    },
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
  };
}
