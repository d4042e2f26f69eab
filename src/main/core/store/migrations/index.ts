import { MIGRATION_001_INITIAL } from './001-initial';
import { MIGRATION_002_AUDIT_CHECKPOINT } from './002-audit-checkpoint';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; numbers are 1, 2, 3, … without gaps. */
  version: number;
  name: string;
  sql: string;
}

/** Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001-initial', sql: MIGRATION_001_INITIAL },
  { version: 2, name: '002-audit-checkpoint', sql: MIGRATION_002_AUDIT_CHECKPOINT },
];
