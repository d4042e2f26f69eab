// Organisation registrations and their validation (manual §6) in SQLite. Activation is shared with
// enrolment: the first administrator's enrolment activates the registration in the same transaction.
import type Database from 'better-sqlite3';
import { parseHolder } from './holder-json';
import type { MembershipWrites } from './sqlite-memberships';
import type { MembershipRecord, PortalStore, RegistrationRecord, ValidationPatch, ValidationRecord, ValidationState } from './store';

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

type OrganisationMethods = Pick<
  PortalStore,
  'createRegistration' | 'getRegistration' | 'listRegistrations' | 'createValidation' | 'getValidation' | 'updateValidation' | 'activateOrganisation'
>;

/** The writes enrolment runs inside its own transaction. */
export interface OrganisationWrites {
  activateRegistration: Database.Statement;
  setValidationActive: Database.Statement;
}

export function organisationTables(db: Database.Database, memberships: MembershipWrites): { methods: OrganisationMethods; writes: OrganisationWrites } {
  const { upsertMembership } = memberships;
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
  const activate = db.transaction((input: { ura: string; at: number; administrator: string; membership: MembershipRecord; validationId: string }) => {
    if (activateRegistration.run(input.at, input.administrator, input.ura).changes !== 1) return false;
    upsertMembership.run(input.membership);
    setValidationActive.run(input.at, input.validationId);
    return true;
  });
  const methods: OrganisationMethods = {
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
    async activateOrganisation(input) {
      return activate(input);
    },
  };
  return { methods, writes: { activateRegistration, setValidationActive } };
}
