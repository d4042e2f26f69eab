// For tests that prove a flood leaves no trace: how many rows a table of a portal database holds,
// read on a second, read-only connection beside the portal's own.
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
