// Shipped migrations are never edited; a change is the next number.
export const MIGRATION_002_AUDIT_CHECKPOINT = `
-- The last link verifyAuditChain() found sound, so a start checks only what came after it (a million
-- records take seconds to check from the first). The link it names must still be in the chain with
-- this hash, or the check fails (a history rewritten up to the head is caught here).
CREATE TABLE audit_checkpoint (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
`;
