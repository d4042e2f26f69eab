// Starts the built Electron app: the development build (out-demo/, `npm run build:electron:demo`) in demo
// mode, sees the card screen, and checks the security settings from inside: no Node in the page, only
// window.zorgid, window.open denied. Then the production build (out/, `npm run build:electron`), which
// must stay in real mode whatever the environment says.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { PageGlobals } from './page-globals';

const root = resolve(import.meta.dirname, '../..');

function electronBinary(): string | null {
  try {
    // The electron package exports the path of its binary; it throws when the binary is missing.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) console.log('test:electron skipped: the Electron binary is not installed here (optional dependency).');

test.skip(!binary, 'Electron binary not installed (optional dependency dropped by npm, see build-notes.md): run on a machine where `npm ci` could download it.');
const production = resolve(root, 'out/main/index.js');
const development = resolve(root, 'out-demo/main/index.js');
test.skip(!existsSync(production) || !existsSync(development), 'Electron builds missing: run `npm run build:electron && npm run build:electron:demo` first.');

test('the app starts hardened and shows the card screen', async () => {
  const app = await electron.launch({
    executablePath: binary!,
    args: [development],
    env: { ...process.env, ZORGID_MODE: 'demo' },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Kaartlezers en passen' })).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('.badge-demo')).toContainText('DEMO');

    const inPage = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals & Record<string, unknown>;
      return {
        require: typeof w['require'],
        process: typeof w['process'],
        zorgid: Object.keys(w.zorgid).sort(),
        opened: (w['open'] as (u: string) => unknown)('https://example.org') === null,
      };
    });
    expect(inPage).toEqual({ require: 'undefined', process: 'undefined', zorgid: ['invoke', 'on'], opened: true });

    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> };
      const p = wc.getLastWebPreferences();
      return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webviewTag: p.webviewTag };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });

    await page.evaluate(() => (globalThis as unknown as PageGlobals).zorgid.invoke('demo:insert', { card: 'Z', reader: 0 }));
    await expect(page.getByText('Gegevens van de pashouder')).toBeVisible({ timeout: 5_000 });
  } finally {
    await app.close();
  }
});

test('the production build ignores ZORGID_MODE=demo: real mode, no demo controls', async () => {
  const app = await electron.launch({
    executablePath: binary!,
    args: [production],
    env: { ...process.env, ZORGID_MODE: 'demo', ZORGID_PORTAL_URL: 'http://127.0.0.1:1', ELECTRON_RENDERER_URL: 'http://127.0.0.1:1' },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Kaartlezers en passen' })).toBeVisible({ timeout: 20_000 });
    expect(page.url()).toMatch(/^file:/);
    await expect(page.locator('.badge-demo')).toHaveCount(0);
    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).zorgid.invoke('app:info'));
    expect(info).toMatchObject({ ok: true, value: { mode: 'real', demoBackend: null } });
    const demo = await page.evaluate(() => (globalThis as unknown as PageGlobals).zorgid.invoke('demo:insert', { card: 'Z', reader: 0 }));
    expect(demo).toMatchObject({ ok: false, error: { code: 'ERR_DEMO_DISABLED' } });
  } finally {
    await app.close();
  }
});
