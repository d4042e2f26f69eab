// `ZORG-ID Desktop --diagnose` (issue 14): the built production app prints the diagnostics report and
// exits, without a window, with Electron's and Chromium's versions filled in. Skips without the binary.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

const root = resolve(import.meta.dirname, '../..');
const production = resolve(root, 'out/main/index.js');

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
const binary = electronBinary();
test.skip(!binary, 'Electron binary not installed (optional dependency): run where `npm ci` could download it.');
test.skip(!existsSync(production), 'Electron build missing: run `npm run build:electron` first.');

test('--diagnose prints the report and exits; --json --out writes it as JSON', async () => {
  const data = mkdtempSync(join(tmpdir(), 'zorgid-electron-diag-'));
  try {
    const run = (extra: string[]) =>
      promisify(execFile)(binary!, [production, `--user-data-dir=${data}`, '--diagnose', ...extra], { timeout: 60_000, env: { ...process.env, ELECTRON_ENABLE_LOGGING: '0' } });
    const { stdout } = await run([]);
    expect(stdout).toContain('ZORG-ID Desktop diagnostics (zorgid-diagnostics/1)');
    expect(stdout).toMatch(/Electron \d+\.\d+\.\d+, Chromium \d+\./);
    expect(stdout).toContain('== PKCS#11 modules ==');
    const out = join(data, 'report.json');
    await run(['--json', '--out', out]);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ format: 'zorgid-diagnostics/1', app: { mode: 'real' } });
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
