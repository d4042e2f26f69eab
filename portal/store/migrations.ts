// The portal database's schema: numbered migrations tracked in PRAGMA user_version, all of them here.
import type Database from 'better-sqlite3';

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
  // 7: scale (issue 16): an organisation's member list is paged in the order members joined; the
  // index serves that order without sorting the organisation's whole list for every page.
  `CREATE INDEX person_memberships_ura_joined ON person_memberships(ura, created_at, person_id);`,
  // 8: the OpenID Provider (issue 18, docs/oidc.md): oidc-provider's models, signing keys, secrets,
  // registered clients, the claims of each account and the card session behind each grant.
  `CREATE TABLE oidc_models (
     model TEXT NOT NULL,
     id TEXT NOT NULL,
     payload_json TEXT NOT NULL,
     grant_id TEXT,
     uid TEXT,
     user_code TEXT,
     account_id TEXT,
     expires_at INTEGER,
     consumed_at INTEGER,
     PRIMARY KEY (model, id)
   );
   CREATE INDEX oidc_models_grant ON oidc_models(grant_id);
   CREATE INDEX oidc_models_uid ON oidc_models(model, uid);
   CREATE INDEX oidc_models_account ON oidc_models(model, account_id);
   CREATE INDEX oidc_models_expiry ON oidc_models(expires_at);
   CREATE TABLE oidc_keys (
     kid TEXT PRIMARY KEY,
     jwk_json TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     retired_at INTEGER
   );
   CREATE TABLE oidc_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE oidc_clients (
     client_id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     metadata_json TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL
   );
   CREATE TABLE oidc_accounts (account_id TEXT PRIMARY KEY, claims_json TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE oidc_card_grants (grant_id TEXT PRIMARY KEY, card_session_id TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX oidc_card_grants_card ON oidc_card_grants(card_session_id);`,
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
