import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSettings, createMemorySettings } from './settings';

describe('settings', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgid-settings-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts with Dutch and the SafeSign search list, and keeps what was saved across restarts', async () => {
    const file = join(dir, 'sub', 'settings.json');
    const first = createFileSettings(file);
    expect(await first.get()).toEqual({ language: 'nl', pkcs11ModulePath: null });
    await first.set({ language: 'en', pkcs11ModulePath: '/usr/lib/libaetpkss.so.3' });
    expect(await createFileSettings(file).get()).toEqual({ language: 'en', pkcs11ModulePath: '/usr/lib/libaetpkss.so.3' });
  });

  it('refuses a relative module path with ERR_SETTINGS_INVALID and keeps the old value', async () => {
    const store = createMemorySettings({ pkcs11ModulePath: 'C:\\Windows\\System32\\aetpkss1.dll' });
    await expect(store.set({ pkcs11ModulePath: 'aetpkss1.dll' })).rejects.toMatchObject({ code: 'ERR_SETTINGS_INVALID' });
    expect((await store.get()).pkcs11ModulePath).toBe('C:\\Windows\\System32\\aetpkss1.dll');
  });

  it('falls back to the defaults when the file is damaged, and repairs it on the next save', async () => {
    const file = join(dir, 'settings.json');
    await writeFile(file, '{"language": "fr", ');
    const store = createFileSettings(file);
    expect(await store.get()).toEqual({ language: 'nl', pkcs11ModulePath: null });
    await store.set({ language: 'en' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ language: 'en', pkcs11ModulePath: null });
  });
});
