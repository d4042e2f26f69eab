// The hash-chained audit log in the app's SQLite file: append under the write lock, read newest last,
// and verify from the last verified checkpoint (or the first record) to the head.
import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { AuditEntrySchema, canonicalJson, chainHash, GENESIS_HASH, type AuditEntry, type AuditRecord } from './audit-record';
import type { AppStore, AuditChainBreak, AuditChainResult, AuditInput, StoredAuditRecord } from './app-store-types';

type Row = { seq: number; record: string; hash: string };

function toStored(row: { record: string; hash: string }): StoredAuditRecord {
  return { record: JSON.parse(row.record) as AuditRecord, hash: row.hash };
}

/** One stored record checked against the link before it; the reason it breaks the chain, or null. */
function brokenLink(row: Row, expectedSeq: number, prev: string): AuditChainBreak | null {
  if (row.seq !== expectedSeq) return 'gap';
  let record: AuditRecord;
  try {
    const json: unknown = JSON.parse(row.record);
    const seq = (json as { seq?: unknown }).seq;
    const { seq: _seq, ...entry } = json as Record<string, unknown>;
    record = { ...AuditEntrySchema.parse(entry), seq: typeof seq === 'number' ? seq : -1 };
  } catch {
    return 'unparseable';
  }
  if (record.seq !== row.seq) return 'reordered';
  if (canonicalJson(record) !== row.record) return 'not-canonical';
  if (chainHash(prev, row.record) !== row.hash) return 'hash-mismatch';
  return null;
}

export function auditChain(db: Database.Database, clock: () => number): Pick<AppStore, 'appendAudit' | 'listAudit' | 'verifyAuditChain'> {
  const selectHead = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  const insertAudit = db.prepare<[number, string, string]>('INSERT INTO audit_log (seq, record, hash) VALUES (?, ?, ?)');
  const upsertHead = db.prepare<[number, string]>(
    'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  const selectAll = db.prepare<[], { seq: number; record: string; hash: string }>('SELECT seq, record, hash FROM audit_log ORDER BY seq');
  const selectFrom = db.prepare<[number], { seq: number; record: string; hash: string }>('SELECT seq, record, hash FROM audit_log WHERE seq > ? ORDER BY seq');
  const selectOne = db.prepare<[number], { record: string; hash: string }>('SELECT record, hash FROM audit_log WHERE seq = ?');
  // Prepared on first use: a store opened with only the first migration (tests) has no such table.
  let checkpointStatements: { select: Database.Statement<[], { seq: number; hash: string }>; upsert: Database.Statement<[number, string]> } | undefined;
  const checkpoint = () =>
    (checkpointStatements ??= {
      select: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_checkpoint WHERE id = 1'),
      upsert: db.prepare<[number, string]>(
        'INSERT INTO audit_checkpoint (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ),
    });
  const selectNewest = db.prepare<[number], { seq: number; record: string; hash: string }>(
    'SELECT seq, record, hash FROM (SELECT seq, record, hash FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq',
  );

  const append = db.transaction((entry: AuditEntry): StoredAuditRecord => {
    const head = selectHead.get() ?? { seq: 0, hash: GENESIS_HASH };
    const record: AuditRecord = { ...entry, seq: head.seq + 1 };
    const text = canonicalJson(record);
    const hash = chainHash(head.hash, text);
    insertAudit.run(record.seq, text, hash);
    upsertHead.run(record.seq, hash);
    return { record, hash };
  });

  function appendAudit(input: AuditInput): StoredAuditRecord {
    const parsed = AuditEntrySchema.safeParse({ ...input, at: input.at ?? clock() });
    if (!parsed.success) {
      // Field names and what was wrong, never the value: the value may be the very secret refused.
      throw new AppError('ERR_STORE_AUDIT_RECORD_INVALID', {
        fields: parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join(',') : i.path.join('.'))),
      });
    }
    // IMMEDIATE takes the write lock before reading the head, so two writers cannot fork the chain.
    return append.immediate(parsed.data);
  }

  /** The checkpoint's link must still be in the chain: its record, its hash, and that hash from the link before. */
  function checkpointHolds(cp: { seq: number; hash: string }): boolean {
    const row = selectOne.get(cp.seq);
    const before = cp.seq === 1 ? { hash: GENESIS_HASH } : selectOne.get(cp.seq - 1);
    return row !== undefined && before !== undefined && row.hash === cp.hash && chainHash(before.hash, row.record) === cp.hash;
  }

  function verifyAuditChain(options: { full?: boolean } = {}): AuditChainResult {
    const run = db.transaction((): AuditChainResult => {
      const cp = options.full ? undefined : checkpoint().select.get();
      if (cp && cp.seq > 0 && !checkpointHolds(cp)) return { ok: false, count: 0, brokenAt: cp.seq, reason: 'checkpoint-mismatch' };
      let prev = cp && cp.seq > 0 ? cp.hash : GENESIS_HASH;
      let count = cp && cp.seq > 0 ? cp.seq : 0;
      let expectedSeq = count + 1;
      for (const row of count > 0 ? selectFrom.iterate(count) : selectAll.iterate()) {
        const broken = brokenLink(row, expectedSeq, prev);
        // A gap is where the missing record should be; anything else is the record itself.
        if (broken) return { ok: false, count, brokenAt: broken === 'gap' ? expectedSeq : row.seq, reason: broken };
        prev = row.hash;
        expectedSeq += 1;
        count += 1;
      }
      const head = selectHead.get();
      const headOk = head ? head.seq === count && head.hash === prev : count === 0;
      if (!headOk) return { ok: false, count, brokenAt: count + 1, reason: 'head-mismatch' };
      return { ok: true, count, head: prev };
    });
    // A read transaction: one consistent snapshot even while the app appends.
    const result = run.deferred();
    // What was just found sound need not be checked again at the next start; a failure moves nothing.
    if (result.ok && result.count > 0) checkpoint().upsert.run(result.count, result.head);
    return result;
  }

  return {
    appendAudit,
    listAudit: (opts) => (opts?.limit !== undefined ? selectNewest.all(opts.limit) : selectAll.all()).map(toStored),
    verifyAuditChain,
  };
}
