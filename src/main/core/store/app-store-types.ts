// The app store's interface and record types, apart from its SQLite implementation (app-store.ts and
// the tables it composes: settings-table.ts, audit-chain.ts).
import type { AppSettings } from './app-settings';
import type { AuditEntry, AuditRecord } from './audit-record';

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
