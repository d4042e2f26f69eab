// Users (persons, the ZORG-ID ID), their Mobiel IDs, and the UZI-pas users of card logins, in SQLite.
import type Database from 'better-sqlite3';
import type { MobileIdRecord, PersonRecord, PortalStore, UserRecord } from './store';

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

type PersonMethods = Pick<
  PortalStore,
  | 'createPerson'
  | 'getPerson'
  | 'findPersonByUzi'
  | 'touchPerson'
  | 'getMobileId'
  | 'findMobileIdByUzi'
  | 'putMobileId'
  | 'listMobileIdsOfPerson'
  | 'setMobileIdStatus'
  | 'getUser'
  | 'putUser'
>;

/** The writes enrolment runs inside its own transaction. */
export interface PersonWrites {
  insertPerson: Database.Statement;
  putUser(u: UserRecord): void;
  insertMobileId: { run(r: MobileIdRecord): Database.RunResult };
}

export function personTables(db: Database.Database): { methods: PersonMethods; writes: PersonWrites } {
  const selectUser = db.prepare<[string], { uzi_number: string; ura: string; status: string; cert_sha256: string | null; created_at: number; last_login_at: number | null }>(
    'SELECT * FROM users WHERE uzi_number = ?',
  );
  const upsertUser = db.prepare(
    `INSERT INTO users (uzi_number, ura, status, cert_sha256, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(uzi_number) DO UPDATE SET ura = excluded.ura, status = excluded.status, cert_sha256 = excluded.cert_sha256,
       last_login_at = excluded.last_login_at`,
  );
  const putUser = (u: UserRecord) => void upsertUser.run(u.uziNumber, u.ura, u.status, u.certSha256, u.createdAt, u.lastLoginAt);
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
  const selectMobileId = db.prepare<[string], MobileIdRow>('SELECT * FROM mobile_ids WHERE id = ?');
  const selectMobileIdByUzi = db.prepare<[string], MobileIdRow>(
    `SELECT * FROM mobile_ids WHERE uzi_number = ? AND status = 'active' ORDER BY created_at DESC LIMIT 1`,
  );
  const methods: PersonMethods = {
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
    async setMobileIdStatus(personId, from, to, at, reason) {
      if (from === 'active' && to === 'blocked') return blockMobileIds.run(reason, at, personId).changes;
      if (from === 'blocked' && to === 'active') return unblockMobileIds.run(personId).changes;
      if (from === 'blocked' && to === 'revoked') return revokeMobileIds.run(at, personId).changes;
      // Revocation is final: no other transition exists.
      return 0;
    },
    async getUser(uziNumber) {
      const r = selectUser.get(uziNumber);
      return r
        ? { uziNumber: r.uzi_number, ura: r.ura, status: r.status as UserRecord['status'], certSha256: r.cert_sha256, createdAt: r.created_at, lastLoginAt: r.last_login_at }
        : null;
    },
    async putUser(u) {
      putUser(u);
    },
  };
  return { methods, writes: { insertPerson, insertMobileId, putUser } };
}
