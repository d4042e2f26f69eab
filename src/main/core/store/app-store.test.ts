// The app store against real SQLite files in temp dirs.
import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { openAppStore, type AppStore } from './app-store';
import { DEFAULT_APP_SETTINGS } from './app-settings';
import { GENESIS_HASH, chainHash, canonicalJson, hashRequestId } from './audit-record';
import { MIGRATIONS } from './migrations';

const T0 = 1_764_000_000_000;
let dir: string;
let dbPath: string;
const open: AppStore[] = [];

function openStore(clock: () => number = () => T0): AppStore {
  const s = openAppStore({ path: dbPath, clock });
  open.push(s);
  return s;
}

function raw(): Database.Database {
  return new Database(dbPath);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
  return undefined;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-store-'));
  dbPath = join(dir, 'sub', 'zorgid.sqlite');
});

afterEach(() => {
  for (const s of open.splice(0)) {
    try {
      s.close();
    } catch {
      // already closed by the test
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function appendSome(store: AppStore, n: number): void {
  for (let i = 0; i < n; i += 1) {
    store.appendAudit({ flow: 'login', step: `step-${i}`, outcome: 'ok', portal: 'https://portaal.example', purpose: 'login' });
  }
}

describe('app store: file, WAL and migrations', () => {
  it('creates the file (and its folder) from nothing, in WAL mode with synchronous=FULL, at the newest schema', () => {
    const store = openStore();
    expect(existsSync(dbPath)).toBe(true);
    expect(store.journalMode()).toBe('wal');
    expect(store.synchronous()).toBe(2);
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
    const tables = raw()
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['audit_checkpoint', 'audit_head', 'audit_log', 'settings']);
  });

  it('reopening applies nothing twice and keeps the data', () => {
    const first = openStore();
    first.appendAudit({ flow: 'login', step: 'navigate', outcome: 'ok' });
    first.setSettings({ language: 'en' });
    first.close();
    const second = openStore();
    expect(second.schemaVersion()).toBe(MIGRATIONS.length);
    expect(second.listAudit()).toHaveLength(1);
    expect(second.getSettings().language).toBe('en');
  });

  it('applies only the migrations a file has not had yet, each in its own transaction', () => {
    const v1 = openAppStore({ path: dbPath, clock: () => T0, migrations: MIGRATIONS.slice(0, 1) });
    v1.close();
    const next = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'test-extra', sql: 'CREATE TABLE extra (x INTEGER) STRICT;' }];
    const v2 = openAppStore({ path: dbPath, clock: () => T0, migrations: next });
    expect(v2.schemaVersion()).toBe(next.length);
    v2.close();
  });

  it('rolls a failing migration back completely and says so', () => {
    openAppStore({ path: dbPath, clock: () => T0 }).close();
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' },
    ];
    expect(codeOf(() => openAppStore({ path: dbPath, clock: () => T0, migrations: broken }))).toBe('ERR_STORE_MIGRATION_FAILED');
    const db = raw();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a file written by a newer app version without touching it', () => {
    openAppStore({ path: dbPath, clock: () => T0 }).close();
    const db = raw();
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    expect(codeOf(() => openAppStore({ path: dbPath, clock: () => T0 }))).toBe('ERR_STORE_SCHEMA_TOO_NEW');
  });

  it('refuses an in-memory database (nothing would survive a crash)', () => {
    expect(codeOf(() => openAppStore({ path: ':memory:', clock: () => T0 }))).toBe('ERR_STORE_UNAVAILABLE');
  });

  it('reports a path it cannot open as ERR_STORE_UNAVAILABLE', () => {
    // A directory where the file should be.
    expect(codeOf(() => openAppStore({ path: dir, clock: () => T0 }))).toBe('ERR_STORE_UNAVAILABLE');
  });
});

describe('app store: settings', () => {
  it('starts from the defaults: Dutch, no portal trusted, port 24761', () => {
    expect(openStore().getSettings()).toEqual(DEFAULT_APP_SETTINGS);
    expect(DEFAULT_APP_SETTINGS.portalAllowlist).toEqual([]);
  });

  it('stores a valid patch and refuses invalid values with ERR_SETTINGS_INVALID, storing nothing of them', () => {
    const store = openStore();
    store.setSettings({ portalAllowlist: ['https://portaal.example', 'http://127.0.0.1:24780'], loopbackPort: 24762 });
    expect(store.getSettings()).toMatchObject({ portalAllowlist: ['https://portaal.example', 'http://127.0.0.1:24780'], loopbackPort: 24762 });
    for (const bad of [
      { portalAllowlist: ['http://portaal.example'] }, // plain http off loopback
      { portalAllowlist: ['https://portaal.example/'] }, // not an origin
      { portalAllowlist: ['https://portaal.example/login'] },
      { loopbackPort: 80 },
      { loopbackPort: 0 },
      { language: 'de' },
      { pkcs11ModulePath: 'libsafesign.so' },
      { unknownSetting: true },
    ]) {
      expect(codeOf(() => store.setSettings(bad)), JSON.stringify(bad)).toBe('ERR_SETTINGS_INVALID');
    }
    expect(store.getSettings().portalAllowlist).toEqual(['https://portaal.example', 'http://127.0.0.1:24780']);
  });

  it('falls back to the default for a damaged row instead of failing to start', () => {
    openStore().setSettings({ language: 'en', loopbackPort: 24770 });
    const db = raw();
    db.prepare("UPDATE settings SET value = '{broken' WHERE key = 'loopbackPort'").run();
    db.close();
    const settings = openStore().getSettings();
    expect(settings.loopbackPort).toBe(DEFAULT_APP_SETTINGS.loopbackPort);
    expect(settings.language).toBe('en');
  });
});

describe('audit log: what may be written', () => {
  it('writes one record per step with the clock’s time and the allowed fields', () => {
    let now = T0;
    const store = openStore(() => now);
    const a = store.appendAudit({
      flow: 'login',
      step: 'signed',
      outcome: 'ok',
      reader: 'Virtual PCD 00 00',
      portal: 'https://portaal.example',
      purpose: 'login',
      requestIdHash: hashRequestId('AAAAAAAAAAAAAAAAAAAAAA'),
      uziNumber: '900000001',
      ura: '90000382',
    });
    now += 5;
    const b = store.appendAudit({ flow: 'login', step: 'token-posted', outcome: 'refused', code: 'ERR_TOKEN_SIGNATURE_INVALID' });
    expect(a.record).toMatchObject({ seq: 1, at: T0 });
    expect(b.record).toMatchObject({ seq: 2, at: T0 + 5, code: 'ERR_TOKEN_SIGNATURE_INVALID' });
    expect(store.listAudit().map((r) => r.record.step)).toEqual(['signed', 'token-posted']);
    expect(store.listAudit({ limit: 1 }).map((r) => r.record.step)).toEqual(['token-posted']);
  });

  it.each([
    ['a PIN field', { pin: '123456' }],
    ['a PUK field', { puk: '12345678' }],
    ['the challenge', { challenge: 'q'.repeat(43) }],
    ['a certificate', { certificate: 'MIIB'.repeat(100) }],
    ['a detail bag to smuggle things in', { detail: { pin: '1234' } }],
  ])('refuses %s (no such field) and names the field, not the value', (_name, extra) => {
    const store = openStore();
    let thrown: unknown;
    try {
      store.appendAudit({ flow: 'login', step: 'pin', outcome: 'ok', ...(extra as object) } as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('ERR_STORE_AUDIT_RECORD_INVALID');
    const detail = JSON.stringify((thrown as AppError).detail);
    expect(detail).toContain(Object.keys(extra)[0]);
    for (const v of Object.values(extra)) if (typeof v === 'string') expect(detail).not.toContain(v);
    expect(store.listAudit()).toHaveLength(0);
  });

  it.each([
    ['a challenge-like value in the reader name', { reader: `Reader ${'x'.repeat(43)}` }],
    ['a too long reader name', { reader: 'R'.repeat(129) }],
    ['a portal with a path and query', { portal: 'https://portaal.example/handoff?request=abc' }],
    ['a raw request id instead of its hash', { requestIdHash: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a UZI number with letters', { uziNumber: '9000A0001' }],
    ['a 9-digit URA', { ura: '900003821' }],
    ['an unknown error code', { code: 'ERR_NOT_A_CODE' }],
    ['free text as step', { step: 'PIN was 1234' }],
    ['an unknown outcome', { outcome: 'maybe' }],
  ])('refuses %s', (_name, override) => {
    const store = openStore();
    expect(codeOf(() => store.appendAudit({ flow: 'login', step: 'pin', outcome: 'ok', ...(override as object) } as never))).toBe(
      'ERR_STORE_AUDIT_RECORD_INVALID',
    );
  });
});

describe('audit log: hash chain', () => {
  it('chains each record to the previous one: hash = SHA-256(prevHash || canonical JSON)', () => {
    const store = openStore();
    appendSome(store, 3);
    const rows = store.listAudit();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.hash).toBe(chainHash(prev, canonicalJson(row.record)));
      prev = row.hash;
    }
    expect(store.verifyAuditChain()).toEqual({ ok: true, count: 3, head: prev });
  });

  it('verifies an empty log', () => {
    expect(openStore().verifyAuditChain()).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('keeps the chain across a reopen', () => {
    const a = openStore();
    appendSome(a, 2);
    a.close();
    const b = openStore();
    appendSome(b, 2);
    expect(b.verifyAuditChain()).toMatchObject({ ok: true, count: 4 });
  });

  function tamper(sql: string): void {
    const db = raw();
    db.exec(sql);
    db.close();
  }

  it('detects an edited record', () => {
    appendSome(openStore(), 5);
    tamper(`UPDATE audit_log SET record = replace(record, '"outcome":"ok"', '"outcome":"refused"') WHERE seq = 3`);
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('detects an edited record whose hash was recomputed (the next link breaks)', () => {
    appendSome(openStore(), 5);
    const db = raw();
    const row = db.prepare<[], { record: string }>('SELECT record FROM audit_log WHERE seq = 2').get()!;
    const prev = db.prepare<[], { hash: string }>('SELECT hash FROM audit_log WHERE seq = 1').get()!.hash;
    const edited = row.record.replace('"outcome":"ok"', '"outcome":"cancelled"');
    db.prepare('UPDATE audit_log SET record = ?, hash = ? WHERE seq = 2').run(edited, chainHash(prev, edited));
    db.close();
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('detects a deleted record', () => {
    appendSome(openStore(), 5);
    tamper('DELETE FROM audit_log WHERE seq = 2');
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 2, reason: 'gap' });
  });

  it('detects a deleted record when the rest was renumbered', () => {
    appendSome(openStore(), 4);
    tamper('DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2;');
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 2, reason: 'reordered' });
  });

  it('detects reordered records', () => {
    appendSome(openStore(), 4);
    tamper('UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 100;');
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 2, reason: 'reordered' });
  });

  it('detects records cut off the end', () => {
    appendSome(openStore(), 4);
    tamper('DELETE FROM audit_log WHERE seq = 4');
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, reason: 'head-mismatch' });
  });

  it('detects a forbidden field written into the file behind the app’s back', () => {
    appendSome(openStore(), 2);
    tamper(`UPDATE audit_log SET record = replace(record, '"flow"', '"pin":"1234","flow"') WHERE seq = 1`);
    expect(openStore().verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 1, reason: 'unparseable' });
  });
});

describe('audit log: durability', () => {
  it('keeps a record whose append() returned when the process is killed right after (SIGKILL, no close)', async () => {
    openAppStore({ path: dbPath, clock: () => T0 }).close();
    const marker = join(dir, 'appended');
    const child = fork(fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url)), [dbPath, marker, '3'], {
      execArgv: ['--import', 'tsx'],
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal, stderr).toBe('SIGKILL');
    expect(readFileSync(marker, 'utf8')).toBe('3');
    // Nothing was checkpointed: the records live only in the WAL the killed process left behind.
    expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(0);
    const store = openStore();
    expect(store.listAudit().map((r) => r.record.reader)).toEqual(['Reader 0', 'Reader 1', 'Reader 2']);
    expect(store.verifyAuditChain()).toMatchObject({ ok: true, count: 3 });
  });
});
