// `npm run diagnose` without the card lab: no PC/SC, a module path that does not exist. The report still
// comes, says what was tried and why nothing loaded, and reads the app's settings and log.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppLog } from '../core/diagnostics/app-log';
import type { DiagnosticReport } from '../core/diagnostics/report';
import { openAppStore } from '../core/store';
import { parseDiagnoseArgs } from './diagnose';

const repoRoot = join(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'zorgid-cli-diag-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main/cli/diagnose.ts', ...args], { cwd: repoRoot, timeout: 60_000 });

describe('npm run diagnose', () => {
  it('parses its arguments and refuses unknown ones', () => {
    expect(parseDiagnoseArgs(['--json', '--data-dir', '/x', '--module', '/m.so', '--no-pcsc'])).toMatchObject({ json: true, dataDir: '/x', module: '/m.so', pcsc: false });
    expect(parseDiagnoseArgs(['--module'])).toBeNull();
    expect(parseDiagnoseArgs(['--pin', '123456'])).toBeNull();
  });

  it('exits 2 with the usage line on a wrong argument', async () => {
    const err = (await run(['--bogus']).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/^usage: diagnose/);
  });

  it('reports a missing middleware, the stored settings, the last errors and the audit chain', async () => {
    const store = openAppStore({ path: join(dataDir, 'zorgid-desktop.sqlite'), clock: Date.now });
    store.setSettings({ pkcs11ModulePath: '/nowhere/libaetpkss.so', language: 'en' });
    store.close();
    openAppLog({ dir: dataDir, clock: Date.now }).write({ level: 'error', area: 'card', code: 'ERR_CARD_MIDDLEWARE_MISSING' });

    const text = (await run(['--no-pcsc', '--data-dir', dataDir])).stdout;
    expect(text).toContain('PC/SC: not watched');
    expect(text).toContain('UZI-pas middleware: not loaded (ERR_CARD_MIDDLEWARE_MISSING)');
    expect(text).toContain('tried /nowhere/libaetpkss.so — missing');
    expect(text).toContain('language = "en" [user]');
    expect(text).toContain('chain verifies (0 records)');
    expect(text).toMatch(/Z card ERR_CARD_MIDDLEWARE_MISSING/);

    const report = JSON.parse((await run(['--no-pcsc', '--json', '--data-dir', dataDir])).stdout) as DiagnosticReport;
    expect(report.card!.modules[0]).toMatchObject({ loaded: false, resolved: null, error: 'ERR_CARD_MIDDLEWARE_MISSING' });
    expect(report.listener).toMatchObject({ port: 24761 });
    expect(report.app.versions.electron).toBe('n/a');
  }, 90_000);
});
