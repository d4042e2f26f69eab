import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractHandlers } from '../shared/contract';
import type { CardEvent } from '../shared/domain';
import { AppError } from '../shared/errors';
import { logCardEvents, loggedHandlers } from './app-log-setup';
import { openAppLog } from './core/diagnostics/app-log';
import { userDataDir } from './diagnose-paths';
import { setupDiagnostics } from './diagnostics-setup';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmpLog = () => {
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-diag-setup-'));
  dirs.push(dir);
  return openAppLog({ dir, clock: () => Date.parse('2026-12-07T01:00:00Z') });
};
const AT = () => Date.parse('2026-12-07T01:00:00Z');
const base = { info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: 'real' as const }, card: null, store: null, listener: () => ({ state: 'listening' as const, port: 24761 }), clock: AT };

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof AppError ? e.code : 'not an AppError'),
  );
}

describe('the Diagnose screen channels', () => {
  it('answers the report as text and JSON, Electron and Chromium n/a outside Electron', async () => {
    const d = setupDiagnostics({ ...base, appLog: null });
    const view = await d.handlers['diagnostics:report'](undefined);
    expect(view.text).toContain('Electron n/a, Chromium n/a');
    expect(JSON.parse(view.json)).toMatchObject({ format: 'zorgid-diagnostics/1', createdAt: '2026-12-07T01:00:00.000Z' });
  });

  it('refuses to save where the host has no save dialog (ERR_DIAG_SAVE_UNAVAILABLE: the browser downloads)', async () => {
    const d = setupDiagnostics({ ...base, appLog: null });
    expect(await codeOf(d.handlers['diagnostics:save']({ format: 'text' }))).toBe('ERR_DIAG_SAVE_UNAVAILABLE');
  });

  it('says ERR_DIAG_SAVE_FAILED when the file cannot be written', async () => {
    const d = setupDiagnostics({ ...base, appLog: null, saveFile: async () => Promise.reject(new Error('EACCES')) });
    expect(await codeOf(d.handlers['diagnostics:save']({ format: 'json' }))).toBe('ERR_DIAG_SAVE_FAILED');
  });

  it('saves the last report in the chosen format under a dated name, and logs it', async () => {
    const saved: { content: string; name: string }[] = [];
    const appLog = tmpLog();
    const d = setupDiagnostics({ ...base, appLog, saveFile: async (content, name) => (saved.push({ content, name }), true) });
    await d.handlers['diagnostics:report'](undefined);
    expect(await d.handlers['diagnostics:save']({ format: 'json' })).toEqual({ saved: true });
    expect(saved[0]!.name).toBe('zorgid-diagnose-2026-12-07T01-00-00-000Z.json');
    expect(JSON.parse(saved[0]!.content).format).toBe('zorgid-diagnostics/1');
    expect(readFileSync(appLog.path, 'utf8')).toMatch(/DIAGNOSE_RUN[\s\S]*DIAGNOSE_SAVED/);
  });
});

describe('main feeding the app log', () => {
  it('logs a failed call by its code and channel, and passes the error on', async () => {
    const appLog = tmpLog();
    const handlers = loggedHandlers({ 'card:read': async () => Promise.reject(new AppError('ERR_CARD_REMOVED', { ckr: 'CKR_DEVICE_REMOVED', holder: 'Anna' })) } as unknown as ContractHandlers, appLog);
    expect(await codeOf(handlers['card:read']({ reader: 'R' }))).toBe('ERR_CARD_REMOVED');
    const text = readFileSync(appLog.path, 'utf8');
    expect(text).toMatch(/WARN {2}ipc ERR_CARD_REMOVED ".*" channel=card:read ckr=CKR_DEVICE_REMOVED\n$/);
    expect(text).not.toContain('Anna');
  });

  it('logs card events with the reader index, not its name', () => {
    const appLog = tmpLog();
    let emit: (e: CardEvent) => void = () => {};
    logCardEvents({ subscribe: (l) => ((emit = l), () => {}) }, appLog);
    emit({ type: 'readers', readers: [{ name: 'Lezer van A. de Vries', present: false, atr: null, family: null, cardName: null }] });
    emit({ type: 'inserted', reader: 'Lezer van A. de Vries', atr: '3B', family: 'uzi', at: 1 });
    emit({ type: 'service', status: 'down', error: { code: 'ERR_CARD_PCSC_UNAVAILABLE', kind: 'retry' } });
    const text = readFileSync(appLog.path, 'utf8');
    expect(text).toContain('CARD_INSERTED "card inserted" readerIndex=0 family=uzi');
    expect(text).toContain('PCSC_DOWN');
    expect(text).toContain('ERR_CARD_PCSC_UNAVAILABLE');
    expect(text).not.toContain('Vries');
  });
});

describe('where the log lives', () => {
  it('is the app’s user data folder on each OS', () => {
    expect(userDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a')).toContain('ZORG-ID Desktop');
    expect(userDataDir('darwin', {}, '/Users/a')).toBe('/Users/a/Library/Application Support/ZORG-ID Desktop');
    expect(userDataDir('linux', {}, '/home/a')).toBe('/home/a/.config/ZORG-ID Desktop');
    expect(userDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/a')).toBe('/x/ZORG-ID Desktop');
  });
});
