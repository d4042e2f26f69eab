// For tests that prove a flood or a refusal leaves no trace: how many rows a table of a portal database
// holds, and every row of the state tables, read on a second, read-only connection beside the portal's own.
import Database from 'better-sqlite3';

export type CountedTable = 'handoff_requests' | 'sessions' | 'login_qr' | 'audit' | 'org_validations';

export function countRows(dbPath: string, table: CountedTable): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

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
