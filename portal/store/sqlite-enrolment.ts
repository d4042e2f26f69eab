// Enrolment codes (the QR a user scans with the Mobile App, stored as a hash) and the enrol-user
// handoffs that hand one QR to ZORG-ID Desktop once, in SQLite. Redeeming a code creates the Mobiel ID,
// the membership and, for a first administrator, activates the organisation: one transaction.
import type Database from 'better-sqlite3';
import type { OrganisationWrites } from './sqlite-organisations';
import type { MembershipWrites } from './sqlite-memberships';
import type { PersonWrites } from './sqlite-persons';
import type { EnrolmentCodeRecord, EnrolmentHandoffRecord, PortalStore } from './store';

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

type EnrolmentCodeMethods = Pick<PortalStore, 'issueEnrolmentCode' | 'getEnrolmentCode' | 'countEnrolmentAttempt' | 'redeemEnrolment' | 'listOpenCodesOfPerson'>;

export function enrolmentCodeTables(
  db: Database.Database,
  writes: { persons: PersonWrites; memberships: MembershipWrites; organisations: OrganisationWrites },
): EnrolmentCodeMethods {
  const { insertPerson, insertMobileId } = writes.persons;
  const { upsertMembership } = writes.memberships;
  const { activateRegistration, setValidationActive } = writes.organisations;
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
  const redeem = db.transaction((input: Parameters<PortalStore['redeemEnrolment']>[0]) => {
    if (useCode.run(input.at, input.codeHash, input.at).changes !== 1) return false;
    if (input.person) insertPerson.run(input.person);
    insertMobileId.run(input.mobileId);
    upsertMembership.run(input.membership);
    activateRegistration.run(input.at, input.mobileId.uziNumber, input.membership.ura);
    if (input.validationId) setValidationActive.run(input.at, input.validationId);
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
    async listOpenCodesOfPerson(personId, at) {
      return selectOpenCodesOfPerson.all(personId, at).map(toEnrolment);
    },
  };
}

type EnrolmentHandoffMethods = Pick<PortalStore, 'createEnrolmentHandoff' | 'getEnrolmentHandoff' | 'takeEnrolmentHandoff' | 'sweepEnrolmentHandoffs'>;

export function enrolmentHandoffTables(db: Database.Database): EnrolmentHandoffMethods {
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
  const takeEnrolmentHandoff = db.transaction((handoffId: string, at: number) => {
    const row = selectEnrolmentHandoff.get(handoffId);
    if (!row?.payload) return null;
    return clearEnrolmentHandoff.run(at, handoffId).changes === 1 ? row.payload : null;
  });
  return {
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
  };
}
