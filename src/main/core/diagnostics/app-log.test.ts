import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppLog } from './app-log';
import { formatLogLine, parseLogLine } from './log-event';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'zorgid-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const T0 = Date.parse('2026-12-07T01:00:00.000Z');

describe('the app log', () => {
  it('writes one line per event: ISO time, level, area, code, short message, whitelisted fields', () => {
    const dir = tmp();
    const log = openAppLog({ dir, clock: () => T0 });
    log.write({ level: 'error', area: 'card', code: 'ERR_PIN_INCORRECT', fields: { ckr: 'CKR_PIN_INCORRECT', method: 'C_Login', readerIndex: 0 } });
    log.write({ level: 'info', area: 'app', code: 'APP_STARTED' });
    const lines = readFileSync(join(dir, 'zorgid-desktop.log'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2026-12-07T01:00:00\.000Z ERROR card ERR_PIN_INCORRECT "[^"]+" readerIndex=0 method=C_Login ckr=CKR_PIN_INCORRECT$/);
    expect(lines[1]).toBe('2026-12-07T01:00:00.000Z INFO  app APP_STARTED "app started"');
    expect(parseLogLine(lines[0]!)).toEqual({ at: '2026-12-07T01:00:00.000Z', level: 'error', area: 'card', code: 'ERR_PIN_INCORRECT' });
  });

  it('cannot be given a PIN buffer, a holder name or an UZI number', () => {
    const dir = tmp();
    const log = openAppLog({ dir, clock: () => T0 });
    const pin = Buffer.from('987654');
    log.write({ level: 'error', area: 'card', code: 'ERR_PIN_INCORRECT', fields: { pin, holder: 'Anna Maria de Vries', method: 'Anna Maria de Vries', ckr: '987654', uziNumber: '900016528' } });
    log.write({ level: 'error', area: 'card', code: 'ERR_PIN_INCORRECT', fields: pin });
    log.write({ level: 'error', area: 'card', code: 'Anna Maria de Vries' });
    log.write({ level: 'error', area: 'card', code: 'ERR_PIN_INCORRECT', message: 'PIN 987654 for Anna Maria de Vries' });
    log.write('PIN 987654');
    const text = readFileSync(join(dir, 'zorgid-desktop.log'), 'utf8');
    for (const secret of ['987654', 'Anna', 'Vries', '900016528', pin.toString('base64'), pin.toString('hex')]) expect(text).not.toContain(secret);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/dropped=5$/);
    expect(lines[1]).toMatch(/dropped=1$/);
  });

  it('rotates at the cap and keeps three files', () => {
    const dir = tmp();
    const cap = 2000;
    const log = openAppLog({ dir, clock: () => T0, capBytes: cap });
    const line = formatLogLine(T0, { level: 'info', area: 'card', code: 'CARD_INSERTED', fields: { readerIndex: 1 } }) + '\n';
    const perFile = Math.floor(cap / Buffer.byteLength(line));
    for (let i = 0; i < perFile * 5 + 3; i++) log.write({ level: 'info', area: 'card', code: 'CARD_INSERTED', fields: { readerIndex: 1 } });
    const path = join(dir, 'zorgid-desktop.log');
    for (const f of [path, `${path}.1`, `${path}.2`]) {
      expect(existsSync(f)).toBe(true);
      expect(statSync(f).size).toBeLessThanOrEqual(cap);
    }
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(statSync(`${path}.1`).size).toBe(perFile * Buffer.byteLength(line));
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
    expect(log.tail(perFile + 3)).toHaveLength(perFile + 3);
  });

  it('continues a file it finds and honours the cap across restarts', () => {
    const dir = tmp();
    openAppLog({ dir, clock: () => T0, capBytes: 300 }).write({ level: 'warn', area: 'host', code: 'HOST_RESTARTED' });
    const again = openAppLog({ dir, clock: () => T0 + 1, capBytes: 300 });
    for (let i = 0; i < 6; i++) again.write({ level: 'warn', area: 'host', code: 'HOST_RESTARTED' });
    expect(statSync(join(dir, 'zorgid-desktop.log')).size).toBeLessThanOrEqual(300);
    expect(existsSync(join(dir, 'zorgid-desktop.log.1'))).toBe(true);
  });

  it('has every line on disk when the process dies right after writing (appendFileSync)', () => {
    const dir = tmp();
    const script = `
      import { openAppLog } from ${JSON.stringify(new URL('./app-log.ts', import.meta.url).pathname)};
      const log = openAppLog({ dir: ${JSON.stringify(dir)}, clock: Date.now });
      for (let i = 0; i < 25; i++) log.write({ level: 'error', area: 'host', code: 'ERR_CARD_HOST_TIMEOUT', fields: { count: i } });
      process.kill(process.pid, 'SIGKILL');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.signal).toBe('SIGKILL');
    const lines = readFileSync(join(dir, 'zorgid-desktop.log'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(25);
    expect(lines[24]).toMatch(/ERR_CARD_HOST_TIMEOUT .* count=24$/);
  });

  it('lists the last error codes with their time, newest first', () => {
    const dir = tmp();
    let now = T0;
    const log = openAppLog({ dir, clock: () => (now += 1000) });
    for (let i = 0; i < 60; i++) {
      log.write({ level: 'info', area: 'card', code: 'CARD_INSERTED' });
      log.write({ level: i % 2 ? 'error' : 'warn', area: 'card', code: i % 2 ? 'ERR_CARD_REMOVED' : 'ERR_PIN_INCORRECT' });
    }
    const errors = log.recentErrors(50);
    expect(errors).toHaveLength(50);
    expect(errors[0]).toEqual({ at: new Date(T0 + 120_000).toISOString(), code: 'ERR_CARD_REMOVED', area: 'card' });
    expect(errors.map((e) => e.code)).not.toContain('CARD_INSERTED');
  });

  it('goes on without its file when the disk refuses (reported once)', () => {
    const dir = tmp();
    const problems: unknown[] = [];
    const log = openAppLog({ dir: join(dir, 'file-not-dir', 'x'), clock: () => T0, onWriteError: (e) => problems.push(e) });
    // A file where the folder should be.
    spawnSync('touch', [join(dir, 'file-not-dir')]);
    log.write({ level: 'error', area: 'app', code: 'ERR_INTERNAL' });
    log.write({ level: 'error', area: 'app', code: 'ERR_INTERNAL' });
    expect(problems).toHaveLength(1);
  });
});
