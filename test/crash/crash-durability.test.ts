// Crash durability (issue 15 item 6): the app's and the portal's SQLite stores, killed with SIGKILL in
// the middle of writing, over and over. After every kill: each write that was acknowledged is there,
// the app's audit hash chain verifies, and no half-written record is ever read back.
// CRASH_KILLS sets the number of kills per store (default 15 here; `npm run crash -- --kills 300`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppStore } from '../../src/main/core/store/app-store';
import { openSqliteStore } from '../../portal/store/sqlite-store';

const KILLS = Number(process.env.CRASH_KILLS ?? 15);
const writer = fileURLToPath(new URL('./crash-loop-writer.fixture.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zorgid-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic kill moments (mulberry32): the same run every time, yet spread over the write loop. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the writer, waits for its first acknowledgement, kills it `delayMs` later; the last ack seen. */
function writeAndKill(kind: 'app' | 'portal', db: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, kind, db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAck = 0;
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) lastAck = Math.max(lastAck, Number(l));
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended with ${code ?? signal} before the kill: ${stderr}`));
      resolve(lastAck);
    });
  });
}

describe('stores killed with SIGKILL mid-write', () => {
  it(`app store: every acknowledged audit record survives ${KILLS} kills, the hash chain verifies`, async () => {
    const db = join(dir, 'app.sqlite');
    const next = rng(0x5eed);
    let acknowledged = 0;
    for (let k = 0; k < KILLS; k++) {
      const acked = await writeAndKill('app', db, 5 + Math.floor(next() * 120));
      const store = openAppStore({ path: db, clock: Date.now });
      try {
        const chain = store.verifyAuditChain();
        expect(chain, `after kill ${k + 1}`).toMatchObject({ ok: true });
        // This run's acks are seqs in the whole log; what was there before stays too.
        expect(chain.count, `after kill ${k + 1}`).toBeGreaterThanOrEqual(Math.max(acked, acknowledged));
        acknowledged = chain.count;
      } finally {
        store.close();
      }
    }
    expect(acknowledged).toBeGreaterThan(KILLS);
  }, 60_000 + KILLS * 3_000);

  it(`portal store: every acknowledged write survives ${KILLS} kills, none is torn`, async () => {
    const db = join(dir, 'portal.sqlite');
    const next = rng(0xfeed);
    let total = 0;
    for (let k = 0; k < KILLS; k++) {
      const acked = await writeAndKill('portal', db, 5 + Math.floor(next() * 120));
      // Reopen as the portal does after a crash (WAL recovery), then read every row back raw.
      openSqliteStore(db);
      const raw = new Database(db, { readonly: true });
      try {
        expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = raw.prepare<[], { detail_json: string }>("SELECT detail_json FROM audit WHERE action = 'crash-loop' ORDER BY seq").all();
        expect(rows.length - total, `after kill ${k + 1}`).toBeGreaterThanOrEqual(acked);
        for (const r of rows.slice(total)) {
          const d = JSON.parse(r.detail_json) as { i: number; pad: string };
          expect(d.pad).toBe(`${d.i}:${'x'.repeat(3000 + (d.i % 7) * 500)}`);
        }
        total = rows.length;
      } finally {
        raw.close();
      }
    }
    expect(total).toBeGreaterThan(KILLS);
  }, 60_000 + KILLS * 3_000);
});
