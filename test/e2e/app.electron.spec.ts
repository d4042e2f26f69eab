// Starts the built Electron app (out/main/index.js) in demo mode, sees the card screen, and checks the
// security settings from inside: no Node in the page, only window.zorgid, window.open denied.
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
test.skip(!existsSync(resolve(root, 'out/main/index.js')), 'Electron build missing: run `npm run build:electron` first.');

test('the app starts hardened and shows the card screen', async () => {
  const app = await electron.launch({
    executablePath: binary!,
    args: [resolve(root, 'out/main/index.js')],
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
