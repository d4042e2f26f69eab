// Shipped migrations are never edited; a change is the next number.
export const MIGRATION_001_INITIAL = `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  seq    INTEGER PRIMARY KEY,
  record TEXT NOT NULL,
  hash   TEXT NOT NULL
) STRICT;

-- The newest link of the chain, written in the same transaction as the record, so cutting records
-- off the end without also rewriting this row shows up in verifyAuditChain().
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
`;
