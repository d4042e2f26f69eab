// The app's audit log at 1 000 000 records (issue 16): how long a start takes to open the store and
// check the chain — from the last verified checkpoint, as the app does — beside the full check from the
// first record (the floor it replaces). The log is generated here in one transaction with the real
// chain rules (canonical JSON, SHA-256 links); nothing is shipped.
// Budget: open + incremental check after 1 000 new records ≤ 250 ms on our 2-core machines.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppStore } from '../src/main/core/store/app-store';
import { GENESIS_HASH, canonicalJson, chainHash, type AuditRecord } from '../src/main/core/store/audit-record';
import { bench } from './stats';

export const AUDIT_START_BUDGET_MS = 250;

function fill(path: string, from: number, n: number, prevHash: string): string {
  const db = new Database(path);
  const insert = db.prepare('INSERT INTO audit_log (seq, record, hash) VALUES (?, ?, ?)');
  let prev = prevHash;
  db.transaction(() => {
    for (let seq = from; seq < from + n; seq++) {
      const record: AuditRecord = { seq, at: 1_764_000_000_000 + seq, flow: 'login', step: seq % 2 ? 'signed' : 'token-posted', outcome: 'ok', reader: 'Virtual PCD 00 00', portal: 'https://portaal.example', uziNumber: String(900000000 + (seq % 1000)) };
      const text = canonicalJson(record);
      prev = chainHash(prev, text);
      insert.run(seq, text, prev);
    }
    db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash').run(from + n - 1, prev);
  })();
  db.close();
  return prev;
}

export function benchAuditLog(records = 1_000_000): void {
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-bench-audit-'));
  const path = join(dir, 'app.sqlite');
  try {
    openAppStore({ path, clock: Date.now }).close();
    const head = fill(path, 1, records, GENESIS_HASH);

    let t0 = performance.now();
    let store = openAppStore({ path, clock: Date.now });
    const open = performance.now() - t0;
    t0 = performance.now();
    const full = store.verifyAuditChain({ full: true });
    const fullMs = performance.now() - t0;
    store.close();
    if (!full.ok || full.count !== records) throw new Error(`full check: ${JSON.stringify(full)}`);

    // The next start: 1 000 records more since the checkpoint the full check left.
    fill(path, records + 1, 1000, head);
    t0 = performance.now();
    store = openAppStore({ path, clock: Date.now });
    const inc = store.verifyAuditChain();
    const startMs = performance.now() - t0;
    store.close();
    if (!inc.ok || inc.count !== records + 1000) throw new Error(`incremental check: ${JSON.stringify(inc)}`);

    bench('audit-1m-open', open, 'ms', 1);
    bench('audit-1m-check-full', fullMs, 'ms', 0);
    // Floor: the full check it replaces (a ratio far below 1 is the point).
    bench('audit-1m-start-incremental', startMs, 'ms', 1, fullMs);
    bench('audit-1m-start-budget', AUDIT_START_BUDGET_MS, 'ms', 0);
    if (startMs > AUDIT_START_BUDGET_MS) console.log(`# audit-1m-start-incremental over its ${AUDIT_START_BUDGET_MS} ms budget`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchAuditLog(Number(process.argv[2] ?? 1_000_000));
