import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openAppStore, type AppStore } from './app-store';
import { sqliteSettings } from './settings-port';

let dir: string;
let store: AppStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zorgid-settings-'));
  store = openAppStore({ path: join(dir, 'app.sqlite'), clock: () => 0 });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serves the shared settings from the SQLite file and keeps the app-only ones out of them', async () => {
  const settings = sqliteSettings(store);
  expect(await settings.get()).toEqual({ language: 'nl', pkcs11ModulePath: null });
  expect(await settings.set({ language: 'en', pkcs11ModulePath: '/usr/lib/libaetpkss.so' })).toEqual({
    language: 'en',
    pkcs11ModulePath: '/usr/lib/libaetpkss.so',
  });
  expect(store.getSettings()).toMatchObject({ language: 'en', loopbackPort: 24761 });
  await expect(settings.set({ pkcs11ModulePath: 'libaetpkss.so' })).rejects.toMatchObject({ code: 'ERR_SETTINGS_INVALID' });
});
