import { MIGRATION_001_INITIAL } from './001-initial';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; numbers are 1, 2, 3, … without gaps. */
  version: number;
  name: string;
  sql: string;
}

/** Append only. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: '001-initial', sql: MIGRATION_001_INITIAL }];
