// The reference portal's storage port. Async on purpose: a national deployment swaps the SQLite
// adapter for a server database without touching the routes.
import type { UziHolder } from '../../src/shared/domain';
import type { ErrorCode } from '../../src/shared/errors';
import type { HandoffPurpose } from '../../src/shared/handoff-token';

/** Stored states; "expired" is not stored but derived from expiresAt and the clock. */
export type StoredHandoffState = 'pending' | 'card-read' | 'signed' | 'done' | 'failed' | 'cancelled';
export type HandoffState = StoredHandoffState | 'expired';

export interface HandoffRecord {
  id: string;
  purpose: HandoffPurpose;
  challenge: string;
  origin: string;
  ura: string | null;
  returnUrl: string;
  /** sha256 of the creator's session id (hex): binds the request to one browser. */
  creatorSession: string;
  createdAt: number;
  expiresAt: number;
  state: StoredHandoffState;
  /** When the app fetched the request over the back-channel. */
  fetchedAt: number | null;
  /** When a token was first posted (single use). */
  usedAt: number | null;
  browserCodeHash: string | null;
  holder: UziHolder | null;
  certSha256: string | null;
  errorCode: ErrorCode | null;
  /** Id the app uses to report card removal for the session this handoff opens. */
  cardSessionId: string | null;
  /** When the browser presented bc and the flow finished. */
  completedAt: number | null;
}

export type HandoffPatch = Partial<
  Pick<HandoffRecord, 'state' | 'fetchedAt' | 'browserCodeHash' | 'holder' | 'certSha256' | 'errorCode' | 'cardSessionId' | 'completedAt'>
>;

export interface SessionRecord {
  /** sha256 of the cookie value (hex): a leaked database holds no usable session. */
  id: string;
  kind: 'anonymous' | 'login';
  createdAt: number;
  expiresAt: number;
  holder: UziHolder | null;
  cardSessionId: string | null;
  endedAt: number | null;
  endReason: string | null;
}

export interface LoginQrRecord {
  code: string;
  session: string;
  createdAt: number;
  expiresAt: number;
}

export interface UserRecord {
  uziNumber: string;
  ura: string;
  status: 'active' | 'blocked';
  certSha256: string | null;
  createdAt: number;
  lastLoginAt: number | null;
}

export interface AuditEntry {
  at: number;
  /** Who: "browser:<session hash prefix>", "app", "uzi:<UZI-nummer>", "system". Never a PIN or secret. */
  actor: string;
  action: string;
  outcome: 'ok' | 'refused' | 'error';
  requestId?: string | null;
  code?: ErrorCode | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord extends Required<AuditEntry> {
  seq: number;
}

export interface PortalStore {
  createHandoff(record: HandoffRecord): Promise<void>;
  getHandoff(id: string): Promise<HandoffRecord | null>;
  /** Compare-and-set: true only for the call that turned an unused, live request into used. */
  markHandoffUsed(id: string, at: number): Promise<boolean>;
  /** Applies `patch` only when the stored state is one of `from`; true when it did. */
  updateHandoff(id: string, patch: HandoffPatch, from: readonly StoredHandoffState[]): Promise<boolean>;

  createSession(record: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  endSession(id: string, at: number, reason: string): Promise<boolean>;
  /** Ends every live login session opened by this card session; returns how many. */
  endSessionsOfCard(cardSessionId: string, at: number, reason: string): Promise<number>;

  createLoginQr(record: LoginQrRecord): Promise<void>;
  getLoginQr(code: string): Promise<LoginQrRecord | null>;

  getUser(uziNumber: string): Promise<UserRecord | null>;
  putUser(record: UserRecord): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  listAudit(limit?: number): Promise<AuditRecord[]>;

  close(): Promise<void>;
}
