// The SQLite adapter of the portal store (the only portal file importing better-sqlite3). WAL mode,
// numbered migrations tracked in PRAGMA user_version.
import Database from 'better-sqlite3';
import type { UziHolder } from '@zorgid/uzi';
import type { ErrorCode } from '../errors';
import type { HandoffPurpose } from '@zorgid/protocol';
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
  RegistrationRecord,
  ValidationRecord,
  ValidationPatch,
  ValidationState,
  EnrolmentCodeRecord,
  MobileIdRecord,
  MembershipRecord,
  PersonRecord,
  AttributeRecord,
  EnrolmentHandoffRecord,
  SmartcardRecord,
  SmartcardStatus,
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
  // 3: organisation registrations and their validation (manual §6), enrolment codes, Mobiel IDs,
  // memberships; login QR redemption by the Mobile App
  `CREATE TABLE org_registrations (
     ura TEXT PRIMARY KEY CHECK (length(ura) = 8),
     name TEXT NOT NULL,
     street TEXT NOT NULL,
     postcode TEXT NOT NULL,
     city TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
     created_at INTEGER NOT NULL,
     activated_at INTEGER,
     administrator TEXT
   );
   CREATE TABLE org_validations (
     id TEXT PRIMARY KEY,
     ura TEXT NOT NULL,
     creator_session TEXT NOT NULL,
     state TEXT NOT NULL,
     holder_json TEXT,
     birth_date TEXT,
     branch TEXT,
     enrolment_payload TEXT,
     enrolment_expires_at INTEGER,
     enrolment_delivered INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE enrolment_codes (
     code_hash TEXT PRIMARY KEY,
     validation_id TEXT,
     uzi_number TEXT,
     holder_name TEXT NOT NULL,
     ura TEXT NOT NULL,
     role TEXT NOT NULL,
     birth_date TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     voided_at INTEGER,
     void_reason TEXT,
     attempts INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX enrolment_codes_person ON enrolment_codes(uzi_number, ura);
   CREATE TABLE mobile_ids (
     id TEXT PRIMARY KEY,
     uzi_number TEXT,
     name TEXT NOT NULL,
     birth_date TEXT NOT NULL,
     public_key_spki TEXT NOT NULL,
     key_alg TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'revoked')),
     created_at INTEGER NOT NULL
   );
   CREATE INDEX mobile_ids_uzi ON mobile_ids(uzi_number);
   CREATE TABLE memberships (
     mobile_id TEXT NOT NULL REFERENCES mobile_ids(id),
     ura TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('Administrator', 'Beheerder', 'Gebruiker')),
     created_at INTEGER NOT NULL,
     PRIMARY KEY (mobile_id, ura)
   );
   ALTER TABLE login_qr ADD COLUMN used_at INTEGER;
   ALTER TABLE login_qr ADD COLUMN mobile_id TEXT;
   ALTER TABLE sessions ADD COLUMN mobile_id TEXT;`,
  // 4: administration (manual §4–§9): users (persons, the ZORG-ID ID) own their Mobiel IDs and
  // memberships, so a new certificate keeps roles and attributes; block/revoke per Mobiel ID; local
  // attributes; enrolment QR codes handed to the desktop app once. Existing Mobiel IDs become persons
  // with the same id.
  `CREATE TABLE persons (
     id TEXT PRIMARY KEY,
     given_name TEXT,
     surname TEXT,
     name TEXT NOT NULL,
     birth_date TEXT NOT NULL,
     uzi_number TEXT,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER
   );
   CREATE INDEX persons_uzi ON persons(uzi_number);
   INSERT INTO persons (id, given_name, surname, name, birth_date, uzi_number, created_at, last_used_at)
     SELECT id, NULL, NULL, name, birth_date, uzi_number, created_at, NULL FROM mobile_ids;
   ALTER TABLE mobile_ids ADD COLUMN person_id TEXT REFERENCES persons(id);
   ALTER TABLE mobile_ids ADD COLUMN block_reason TEXT;
   ALTER TABLE mobile_ids ADD COLUMN blocked_at INTEGER;
   ALTER TABLE mobile_ids ADD COLUMN revoked_at INTEGER;
   UPDATE mobile_ids SET person_id = id;
   CREATE INDEX mobile_ids_person ON mobile_ids(person_id);
   CREATE TABLE person_memberships (
     person_id TEXT NOT NULL REFERENCES persons(id),
     ura TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('Administrator', 'Beheerder', 'Gebruiker')),
     created_at INTEGER NOT NULL,
     PRIMARY KEY (person_id, ura)
   );
   CREATE INDEX person_memberships_ura ON person_memberships(ura);
   INSERT INTO person_memberships (person_id, ura, role, created_at) SELECT mobile_id, ura, role, created_at FROM memberships;
   DROP TABLE memberships;
   CREATE TABLE attributes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     person_id TEXT NOT NULL REFERENCES persons(id),
     ura TEXT NOT NULL,
     type TEXT NOT NULL,
     taakcode TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX attributes_person ON attributes(person_id, ura);
   ALTER TABLE enrolment_codes ADD COLUMN person_id TEXT;
   CREATE INDEX enrolment_codes_person_id ON enrolment_codes(person_id);
   CREATE TABLE enrolment_handoffs (
     handoff_id TEXT PRIMARY KEY,
     person_id TEXT NOT NULL,
     ura TEXT NOT NULL,
     payload TEXT,
     code_expires_at INTEGER NOT NULL,
     delivered_at INTEGER
   );`,
  // 5: ZORG-ID Smartcards (seed 003), bound to the employee's UZI-nummer and organisation.
  `CREATE TABLE smartcards (
     id TEXT PRIMARY KEY,
     uzi_number TEXT NOT NULL,
     ura TEXT NOT NULL,
     person_id TEXT,
     name TEXT NOT NULL,
     cert_sha256 TEXT NOT NULL UNIQUE,
     cert_der TEXT NOT NULL,
     serial_hex TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'blocked', 'removed', 'abandoned')),
     activation_challenge TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     activated_at INTEGER,
     block_reason TEXT,
     blocked_at INTEGER,
     removed_at INTEGER
   );
   CREATE INDEX smartcards_uzi ON smartcards(uzi_number);
   CREATE INDEX smartcards_ura ON smartcards(ura);`,
  // 6: QR-jacking (issue 15 item 1): the confirmation code the page shows next to a login QR and the
  // phone must send back; one wrong code voids the QR. Older QR codes have none and cannot be confirmed.
  `ALTER TABLE login_qr ADD COLUMN confirm_code TEXT;
   ALTER TABLE login_qr ADD COLUMN voided_at INTEGER;`,
];

/** Tables holding the portal's state (the audit log and sessions aside): what a refused call must leave alone. */
export const STATE_TABLES = [
  'org_registrations',
  'persons',
  'mobile_ids',
  'person_memberships',
  'attributes',
  'enrolment_codes',
  'enrolment_handoffs',
  'handoff_requests',
  'smartcards',
] as const;

/** Every row of the state tables, read through a second connection (tests compare before and after). */
export function readStateTables(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(STATE_TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

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

interface RegistrationRow {
  ura: string;
  name: string;
  street: string;
  postcode: string;
  city: string;
  status: string;
  created_at: number;
  activated_at: number | null;
  administrator: string | null;
}

interface ValidationRow {
  id: string;
  ura: string;
  creator_session: string;
  state: string;
  holder_json: string | null;
  birth_date: string | null;
  branch: string | null;
  enrolment_payload: string | null;
  enrolment_expires_at: number | null;
  enrolment_delivered: number;
  created_at: number;
  updated_at: number;
}

interface EnrolmentRow {
  code_hash: string;
  validation_id: string | null;
  person_id: string | null;
  uzi_number: string | null;
  holder_name: string;
  ura: string;
  role: string;
  birth_date: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  voided_at: number | null;
  void_reason: string | null;
  attempts: number;
}

interface MobileIdRow {
  id: string;
  person_id: string;
  block_reason: string | null;
  blocked_at: number | null;
  revoked_at: number | null;
  uzi_number: string | null;
  name: string;
  birth_date: string;
  public_key_spki: string;
  key_alg: string;
  status: string;
  created_at: number;
}

const toRegistration = (r: RegistrationRow): RegistrationRecord => ({
  ura: r.ura,
  name: r.name,
  street: r.street,
  postcode: r.postcode,
  city: r.city,
  status: r.status as RegistrationRecord['status'],
  createdAt: r.created_at,
  activatedAt: r.activated_at,
  administrator: r.administrator,
});

const toValidation = (r: ValidationRow): ValidationRecord => ({
  id: r.id,
  ura: r.ura,
  creatorSession: r.creator_session,
  state: r.state as ValidationState,
  holder: parseHolder(r.holder_json),
  birthDate: r.birth_date,
  branch: r.branch as ValidationRecord['branch'],
  enrolmentPayload: r.enrolment_payload,
  enrolmentExpiresAt: r.enrolment_expires_at,
  enrolmentDelivered: r.enrolment_delivered === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toEnrolment = (r: EnrolmentRow): EnrolmentCodeRecord => ({
  codeHash: r.code_hash,
  validationId: r.validation_id,
  personId: r.person_id,
  uziNumber: r.uzi_number,
  holderName: r.holder_name,
  ura: r.ura,
  role: r.role as EnrolmentCodeRecord['role'],
  birthDate: r.birth_date,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  voidedAt: r.voided_at,
  voidReason: r.void_reason as EnrolmentCodeRecord['voidReason'],
  attempts: r.attempts,
});

interface PersonRow {
  id: string;
  given_name: string | null;
  surname: string | null;
  name: string;
  birth_date: string;
  uzi_number: string | null;
  created_at: number;
  last_used_at: number | null;
}

const toPerson = (r: PersonRow): PersonRecord => ({
  id: r.id,
  givenName: r.given_name,
  surname: r.surname,
  name: r.name,
  birthDate: r.birth_date,
  uziNumber: r.uzi_number,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

interface MembershipRow {
  person_id: string;
  ura: string;
  role: string;
  created_at: number;
}
const toMembership = (r: MembershipRow): MembershipRecord => ({ personId: r.person_id, ura: r.ura, role: r.role as MembershipRecord['role'], createdAt: r.created_at });

interface AttributeRow {
  id: number;
  person_id: string;
  ura: string;
  type: string;
  taakcode: string;
  created_at: number;
}
const toAttribute = (r: AttributeRow): AttributeRecord => ({
  id: r.id,
  personId: r.person_id,
  ura: r.ura,
  type: r.type as AttributeRecord['type'],
  taakcode: r.taakcode,
  createdAt: r.created_at,
});

const toMobileId = (r: MobileIdRow): MobileIdRecord => ({
  id: r.id,
  personId: r.person_id,
  blockReason: r.block_reason as MobileIdRecord['blockReason'],
  blockedAt: r.blocked_at,
  revokedAt: r.revoked_at,
  uziNumber: r.uzi_number,
  name: r.name,
  birthDate: r.birth_date,
  publicKeySpki: r.public_key_spki,
  keyAlg: r.key_alg as MobileIdRecord['keyAlg'],
  status: r.status as MobileIdRecord['status'],
  createdAt: r.created_at,
});

const VALIDATION_COLUMNS: Record<keyof ValidationPatch, string> = {
  state: 'state',
  holder: 'holder_json',
  birthDate: 'birth_date',
  branch: 'branch',
  enrolmentPayload: 'enrolment_payload',
  enrolmentExpiresAt: 'enrolment_expires_at',
  enrolmentDelivered: 'enrolment_delivered',
  updatedAt: 'updated_at',
};

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
    mobileId: r.mobile_id,
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

export function openSqliteStore(path: string): PortalStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a write whose call returned (and was answered) survives a power cut too, not only a crash
  // of the process (WAL's default NORMAL can lose the last commits on power loss).
  db.pragma('synchronous = FULL');
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
    `INSERT INTO sessions (id, kind, created_at, expires_at, holder_json, card_session_id, ended_at, end_reason, mobile_id)
     VALUES (@id, @kind, @createdAt, @expiresAt, @holderJson, @cardSessionId, @endedAt, @endReason, @mobileId)`,
  );
  const selectSession = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const endSession = db.prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL');
  const endCardSessions = db.prepare(
    `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE card_session_id = ? AND kind = 'login' AND ended_at IS NULL`,
  );
  const insertQr = db.prepare('INSERT INTO login_qr (code, session, created_at, expires_at, confirm_code) VALUES (?, ?, ?, ?, ?)');
  const selectQr = db.prepare<[string], LoginQrRow>('SELECT * FROM login_qr WHERE code = ?');
  const voidQr = db.prepare('UPDATE login_qr SET voided_at = ? WHERE code = ? AND used_at IS NULL AND voided_at IS NULL');
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

  const markQrUsed = db.prepare('UPDATE login_qr SET used_at = ?, mobile_id = ? WHERE code = ? AND used_at IS NULL AND voided_at IS NULL AND expires_at > ?');
  const selectRedeemedQr = db.prepare<[string], LoginQrRow>('SELECT * FROM login_qr WHERE session = ? AND used_at IS NOT NULL ORDER BY used_at DESC LIMIT 1');
  const selectLatestQr = db.prepare<[string], LoginQrRow>('SELECT * FROM login_qr WHERE session = ? ORDER BY created_at DESC, rowid DESC LIMIT 1');
  const insertRegistration = db.prepare(
    `INSERT INTO org_registrations (ura, name, street, postcode, city, status, created_at, activated_at, administrator)
     VALUES (@ura, @name, @street, @postcode, @city, @status, @createdAt, @activatedAt, @administrator) ON CONFLICT(ura) DO NOTHING`,
  );
  const selectRegistration = db.prepare<[string], RegistrationRow>('SELECT * FROM org_registrations WHERE ura = ?');
  const selectRegistrations = db.prepare<[], RegistrationRow>('SELECT * FROM org_registrations ORDER BY created_at, ura');
  const activateRegistration = db.prepare(
    `UPDATE org_registrations SET status = 'active', activated_at = ?, administrator = ? WHERE ura = ? AND status = 'pending'`,
  );
  const insertValidation = db.prepare(
    `INSERT INTO org_validations (id, ura, creator_session, state, holder_json, birth_date, branch, enrolment_payload,
       enrolment_expires_at, enrolment_delivered, created_at, updated_at)
     VALUES (@id, @ura, @creatorSession, @state, @holderJson, @birthDate, @branch, @enrolmentPayload, @enrolmentExpiresAt,
       @delivered, @createdAt, @updatedAt)`,
  );
  const selectValidation = db.prepare<[string], ValidationRow>('SELECT * FROM org_validations WHERE id = ?');
  const setValidationActive = db.prepare(`UPDATE org_validations SET state = 'active', enrolment_payload = NULL, updated_at = ? WHERE id = ?`);
  // A validation code (no person yet) is the holder's per organisation; a registered user has one open code at a time.
  const voidOpenCodes = db.prepare(
    `UPDATE enrolment_codes SET voided_at = ?, void_reason = 'reissued'
     WHERE person_id IS NULL AND uzi_number IS ? AND ura = ? AND used_at IS NULL AND voided_at IS NULL`,
  );
  const voidOpenCodesOfPerson = db.prepare(
    `UPDATE enrolment_codes SET voided_at = ?, void_reason = 'reissued' WHERE person_id = ? AND used_at IS NULL AND voided_at IS NULL`,
  );
  const insertCode = db.prepare(
    `INSERT INTO enrolment_codes (code_hash, validation_id, person_id, uzi_number, holder_name, ura, role, birth_date, created_at, expires_at,
       used_at, voided_at, void_reason, attempts)
     VALUES (@codeHash, @validationId, @personId, @uziNumber, @holderName, @ura, @role, @birthDate, @createdAt, @expiresAt, @usedAt, @voidedAt,
       @voidReason, @attempts)`,
  );
  const selectOpenCodesOfPerson = db.prepare<[string, number], EnrolmentRow>(
    'SELECT * FROM enrolment_codes WHERE person_id = ? AND used_at IS NULL AND voided_at IS NULL AND expires_at > ? ORDER BY created_at',
  );
  const selectCode = db.prepare<[string], EnrolmentRow>('SELECT * FROM enrolment_codes WHERE code_hash = ?');
  const bumpAttempts = db.prepare('UPDATE enrolment_codes SET attempts = attempts + 1 WHERE code_hash = ? AND used_at IS NULL AND voided_at IS NULL');
  const voidAfterAttempts = db.prepare(
    `UPDATE enrolment_codes SET voided_at = ?, void_reason = 'attempts' WHERE code_hash = ? AND attempts >= ? AND voided_at IS NULL`,
  );
  const useCode = db.prepare('UPDATE enrolment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND voided_at IS NULL AND expires_at > ?');
  const insertMobileIdRow = db.prepare(
    `INSERT INTO mobile_ids (id, person_id, uzi_number, name, birth_date, public_key_spki, key_alg, status, created_at, block_reason, blocked_at, revoked_at)
     VALUES (@id, @personId, @uziNumber, @name, @birthDate, @publicKeySpki, @keyAlg, @status, @createdAt, @blockReason, @blockedAt, @revokedAt)`,
  );
  const insertMobileId = {
    run: (r: MobileIdRecord) => insertMobileIdRow.run({ blockReason: null, blockedAt: null, revokedAt: null, ...r }),
  };
  const selectMobileIdsOfPerson = db.prepare<[string], MobileIdRow>('SELECT * FROM mobile_ids WHERE person_id = ? ORDER BY created_at, id');
  const blockMobileIds = db.prepare(
    `UPDATE mobile_ids SET status = 'blocked', block_reason = ?, blocked_at = ? WHERE person_id = ? AND status = 'active'`,
  );
  const unblockMobileIds = db.prepare(`UPDATE mobile_ids SET status = 'active', block_reason = NULL, blocked_at = NULL WHERE person_id = ? AND status = 'blocked'`);
  const revokeMobileIds = db.prepare(`UPDATE mobile_ids SET status = 'revoked', revoked_at = ? WHERE person_id = ? AND status = 'blocked'`);
  const insertPerson = db.prepare(
    `INSERT INTO persons (id, given_name, surname, name, birth_date, uzi_number, created_at, last_used_at)
     VALUES (@id, @givenName, @surname, @name, @birthDate, @uziNumber, @createdAt, @lastUsedAt)`,
  );
  const selectPerson = db.prepare<[string], PersonRow>('SELECT * FROM persons WHERE id = ?');
  const selectPersonByUzi = db.prepare<[string], PersonRow>('SELECT * FROM persons WHERE uzi_number = ? ORDER BY created_at LIMIT 1');
  const touchPerson = db.prepare('UPDATE persons SET last_used_at = ? WHERE id = ?');
  const selectMembership = db.prepare<[string, string], MembershipRow>('SELECT * FROM person_memberships WHERE person_id = ? AND ura = ?');
  const selectMembers = db.prepare<[string], MembershipRow>('SELECT * FROM person_memberships WHERE ura = ? ORDER BY created_at, person_id');
  const deleteMembership = db.prepare('DELETE FROM person_memberships WHERE person_id = ? AND ura = ?');
  const deleteAttributes = db.prepare('DELETE FROM attributes WHERE person_id = ? AND ura = ?');
  const insertAttribute = db.prepare(
    'INSERT INTO attributes (person_id, ura, type, taakcode, created_at) VALUES (@personId, @ura, @type, @taakcode, @createdAt)',
  );
  const selectAttributes = db.prepare<[string, string], AttributeRow>('SELECT * FROM attributes WHERE person_id = ? AND ura = ? ORDER BY id');
  const insertEnrolmentHandoff = db.prepare(
    `INSERT INTO enrolment_handoffs (handoff_id, person_id, ura, payload, code_expires_at, delivered_at)
     VALUES (@handoffId, @personId, @ura, @payload, @codeExpiresAt, @deliveredAt)`,
  );
  const selectEnrolmentHandoff = db.prepare<[string], { handoff_id: string; person_id: string; ura: string; payload: string | null; code_expires_at: number; delivered_at: number | null }>(
    'SELECT * FROM enrolment_handoffs WHERE handoff_id = ?',
  );
  const clearEnrolmentHandoff = db.prepare('UPDATE enrolment_handoffs SET payload = NULL, delivered_at = ? WHERE handoff_id = ? AND payload IS NOT NULL');
  const sweepEnrolmentHandoffs = db.prepare(
    `UPDATE enrolment_handoffs SET payload = NULL WHERE payload IS NOT NULL AND handoff_id IN
       (SELECT id FROM handoff_requests WHERE expires_at <= ? OR state <> 'pending')`,
  );
  const removeMembership = db.transaction((personId: string, ura: string) => {
    deleteAttributes.run(personId, ura);
    return deleteMembership.run(personId, ura).changes === 1;
  });
  const takeEnrolmentHandoff = db.transaction((handoffId: string, at: number) => {
    const row = selectEnrolmentHandoff.get(handoffId);
    if (!row?.payload) return null;
    return clearEnrolmentHandoff.run(at, handoffId).changes === 1 ? row.payload : null;
  });
  const selectMobileId = db.prepare<[string], MobileIdRow>('SELECT * FROM mobile_ids WHERE id = ?');
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
  const selectMobileIdByUzi = db.prepare<[string], MobileIdRow>(
    `SELECT * FROM mobile_ids WHERE uzi_number = ? AND status = 'active' ORDER BY created_at DESC LIMIT 1`,
  );
  const upsertMembership = db.prepare(
    `INSERT INTO person_memberships (person_id, ura, role, created_at) VALUES (@personId, @ura, @role, @createdAt)
     ON CONFLICT(person_id, ura) DO UPDATE SET role = excluded.role`,
  );
  const selectMemberships = db.prepare<[string], MembershipRow>('SELECT * FROM person_memberships WHERE person_id = ? ORDER BY ura');

  const redeem = db.transaction((input: Parameters<PortalStore['redeemEnrolment']>[0]) => {
    if (useCode.run(input.at, input.codeHash, input.at).changes !== 1) return false;
    if (input.person) insertPerson.run(input.person);
    insertMobileId.run(input.mobileId);
    upsertMembership.run(input.membership);
    activateRegistration.run(input.at, input.mobileId.uziNumber, input.membership.ura);
    if (input.validationId) setValidationActive.run(input.at, input.validationId);
    return true;
  });
  const activate = db.transaction((input: { ura: string; at: number; administrator: string; membership: MembershipRecord; validationId: string }) => {
    if (activateRegistration.run(input.at, input.administrator, input.ura).changes !== 1) return false;
    upsertMembership.run(input.membership);
    setValidationActive.run(input.at, input.validationId);
    return true;
  });
  const issue = db.transaction((record: EnrolmentCodeRecord, at: number) => {
    const personId = record.personId ?? null;
    const voided = personId ? voidOpenCodesOfPerson.run(at, personId).changes : voidOpenCodes.run(at, record.uziNumber, record.ura).changes;
    insertCode.run({ ...record, personId });
    return voided;
  });
  const attempt = db.transaction((codeHash: string, max: number, at: number) => {
    bumpAttempts.run(codeHash);
    const voided = voidAfterAttempts.run(at, codeHash, max).changes === 1;
    return { attempts: selectCode.get(codeHash)?.attempts ?? 0, voided };
  });

  return {
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
    async createRegistration(r) {
      return insertRegistration.run(r).changes === 1;
    },
    async getRegistration(ura) {
      const row = selectRegistration.get(ura);
      return row ? toRegistration(row) : null;
    },
    async listRegistrations() {
      return selectRegistrations.all().map(toRegistration);
    },
    async createValidation(v) {
      insertValidation.run({ ...v, holderJson: v.holder ? JSON.stringify(v.holder) : null, delivered: v.enrolmentDelivered ? 1 : 0 });
    },
    async getValidation(id) {
      const row = selectValidation.get(id);
      return row ? toValidation(row) : null;
    },
    async updateValidation(id, patch, from) {
      const keys = Object.keys(patch) as Array<keyof ValidationPatch>;
      if (keys.length === 0 || from.length === 0) return false;
      const sets = keys.map((k) => `${VALIDATION_COLUMNS[k]} = @${k}`).join(', ');
      const values: Record<string, unknown> = { id };
      for (const k of keys) {
        const v = patch[k];
        values[k] = k === 'holder' ? (v ? JSON.stringify(v) : null) : typeof v === 'boolean' ? (v ? 1 : 0) : v;
      }
      from.forEach((s, i) => (values[`from${i}`] = s));
      const fromList = from.map((_, i) => `@from${i}`).join(', ');
      return db.prepare(`UPDATE org_validations SET ${sets} WHERE id = @id AND state IN (${fromList})`).run(values).changes === 1;
    },
    async issueEnrolmentCode(record, at) {
      return issue(record, at);
    },
    async getEnrolmentCode(codeHash) {
      const row = selectCode.get(codeHash);
      return row ? toEnrolment(row) : null;
    },
    async countEnrolmentAttempt(codeHash, max, at) {
      return attempt(codeHash, max, at);
    },
    async redeemEnrolment(input) {
      return redeem(input);
    },
    async activateOrganisation(input) {
      return activate(input);
    },
    async getMobileId(id) {
      const row = selectMobileId.get(id);
      return row ? toMobileId(row) : null;
    },
    async findMobileIdByUzi(uziNumber) {
      const row = selectMobileIdByUzi.get(uziNumber);
      return row ? toMobileId(row) : null;
    },
    async putMobileId(record) {
      insertMobileId.run(record);
    },
    async listMemberships(personId) {
      return selectMemberships.all(personId).map(toMembership);
    },
    async createPerson(person) {
      insertPerson.run(person);
    },
    async getPerson(id) {
      const row = selectPerson.get(id);
      return row ? toPerson(row) : null;
    },
    async findPersonByUzi(uziNumber) {
      const row = selectPersonByUzi.get(uziNumber);
      return row ? toPerson(row) : null;
    },
    async touchPerson(id, at) {
      touchPerson.run(at, id);
    },
    async listMobileIdsOfPerson(personId) {
      return selectMobileIdsOfPerson.all(personId).map(toMobileId);
    },
    async getMembership(personId, ura) {
      const row = selectMembership.get(personId, ura);
      return row ? toMembership(row) : null;
    },
    async listMembers(ura) {
      return selectMembers.all(ura).map(toMembership);
    },
    async putMembership(m) {
      upsertMembership.run(m);
    },
    async removeMembership(personId, ura) {
      return removeMembership(personId, ura);
    },
    async setMobileIdStatus(personId, from, to, at, reason) {
      if (from === 'active' && to === 'blocked') return blockMobileIds.run(reason, at, personId).changes;
      if (from === 'blocked' && to === 'active') return unblockMobileIds.run(personId).changes;
      if (from === 'blocked' && to === 'revoked') return revokeMobileIds.run(at, personId).changes;
      // Revocation is final: no other transition exists.
      return 0;
    },
    async addAttribute(a) {
      const id = Number(insertAttribute.run(a).lastInsertRowid);
      return { id, ...a };
    },
    async listAttributes(personId, ura) {
      return selectAttributes.all(personId, ura).map(toAttribute);
    },
    async listOpenCodesOfPerson(personId, at) {
      return selectOpenCodesOfPerson.all(personId, at).map(toEnrolment);
    },
    async createEnrolmentHandoff(r: EnrolmentHandoffRecord) {
      insertEnrolmentHandoff.run(r);
    },
    async getEnrolmentHandoff(handoffId) {
      const r = selectEnrolmentHandoff.get(handoffId);
      return r ? { handoffId: r.handoff_id, personId: r.person_id, ura: r.ura, payload: r.payload, codeExpiresAt: r.code_expires_at, deliveredAt: r.delivered_at } : null;
    },
    async takeEnrolmentHandoff(handoffId, at) {
      return takeEnrolmentHandoff(handoffId, at);
    },
    async sweepEnrolmentHandoffs(at) {
      return sweepEnrolmentHandoffs.run(at).changes;
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
    async createLoginQr(q: LoginQrRecord) {
      insertQr.run(q.code, q.session, q.createdAt, q.expiresAt, q.confirmCode ?? null);
    },
    async getLoginQr(code) {
      const r = selectQr.get(code);
      return r ? loginQrFromRow(r) : null;
    },
    async createSmartcard(record) {
      return createSmartcardTx(record);
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
