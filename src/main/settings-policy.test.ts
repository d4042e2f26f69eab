import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../shared/settings-view';
import { createDemoCardService } from './core/demo/demo-card-service';
import { placeholderDemoCards } from './core/demo/demo-cards';
import { readLinuxPolicy } from './core/policy/linux-policy';
import type { PartialPolicy } from './core/policy/policy-merge';
import { createPolicySettings } from './core/policy/policy-settings';
import { readPolicyDir } from './core/policy';
import { openAppStore, type AppStore } from './core/store';
import { createHandlers } from './handlers';
import { handleInvoke } from './ipc/dispatch';
import { setupPolicy } from './policy-setup';

// The settings channels through the real handler table and dispatcher, on a real SQLite store, under
// policy read from real files: what the Electron IPC and the preview's HTTP answer.
let root: string;
let store: AppStore;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'zorgid-policysettings-'));
  store = openAppStore({ path: join(root, 'app.sqlite'), clock: () => 0 });
});
afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

async function hostWith(policyJson: Record<string, unknown> | string | null) {
  const dir = join(root, 'etc/zorgid-desktop');
  mkdirSync(dir, { recursive: true });
  if (policyJson !== null) writeFileSync(join(dir, 'policy.json'), typeof policyJson === 'string' ? policyJson : JSON.stringify(policyJson));
  const policy: PartialPolicy = await readLinuxPolicy(root);
  const settings = createPolicySettings({ user: { get: () => store.getSettings(), set: (p) => store.setSettings(p) }, policy: () => policy });
  const card = createDemoCardService({ cards: placeholderDemoCards(0), clock: () => 0, readDelayMs: 0 });
  const handlers = createHandlers({ card, settings, info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: 'demo', demoBackend: 'in-process', platform: 'linux' }, demo: null });
  const invoke = (channel: string, input?: unknown) => handleInvoke(channel, input, { handlers, senderVerified: true });
  return { settings, invoke, file: join(dir, 'policy.json') };
}

describe('settings under policy, over IPC', () => {
  it('a policy-locked allowlist cannot be widened over IPC (ERR_SETTINGS_LOCKED), and nothing is stored', async () => {
    const host = await hostWith({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: false });
    const result = await host.invoke('settings:set', { portalAllowlist: ['https://portaal.zorgid.nl', 'https://kwaadaardig.example'] });
    expect(result).toEqual({ ok: false, error: { code: 'ERR_SETTINGS_LOCKED', kind: 'cancel', detail: { key: 'portalAllowlist' } } });
    expect(store.getSettings().portalAllowlist).toEqual([]);
    expect(host.settings.trustedPortals()).toEqual(['https://portaal.zorgid.nl']);
  });

  it('refuses a locked language, and the whole patch with it, but saves unlocked settings', async () => {
    const host = await hostWith({ Language: 'nl' });
    expect(await host.invoke('settings:set', { language: 'en', pkcs11ModulePath: '/usr/lib/libaetpkss.so' })).toMatchObject({ ok: false, error: { code: 'ERR_SETTINGS_LOCKED', detail: { key: 'language' } } });
    expect(store.getSettings().pkcs11ModulePath).toBeNull();
    const saved = await host.invoke('settings:set', { pkcs11ModulePath: '/usr/lib/libaetpkss.so' });
    expect(saved.ok && (saved.value as SettingsView).effective.pkcs11ModulePath).toEqual({ value: '/usr/lib/libaetpkss.so', source: 'user', origin: null, locked: false });
  });

  it('lets the person add a portal where the policy allows it, on top of the organisation’s', async () => {
    const host = await hostWith({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: true });
    const result = await host.invoke('settings:set', { portalAllowlist: ['https://eigen.example'] });
    expect(result).toMatchObject({ ok: true, value: { effective: { portalAllowlist: { value: ['https://portaal.zorgid.nl', 'https://eigen.example'], source: 'policy', locked: false } } } });
    expect(await host.invoke('settings:set', { portalAllowlist: ['http://eigen.example'] })).toMatchObject({ ok: false, error: { code: 'ERR_SETTINGS_INVALID' } });
  });

  it('settings:get shows the effective value and source of each setting', async () => {
    const host = await hostWith({ Language: 'en', StartWithSession: true, Unknown: 1 });
    const result = await host.invoke('settings:get');
    expect(result.ok).toBe(true);
    const view = (result as { value: SettingsView }).value;
    expect(view.language).toBe('en');
    expect(view.effective.language).toEqual({ value: 'en', source: 'policy', origin: host.file, locked: true });
    expect(view.effective.startWithSession).toMatchObject({ value: true, source: 'policy' });
    expect(view.effective.loopbackPort).toMatchObject({ value: 24761, source: 'default', locked: false });
    expect(view.policy).toEqual({ error: null, unknown: [{ key: 'Unknown', source: host.file }], sources: [host.file] });
  });

  it('an invalid policy: settings:get carries ERR_POLICY_INVALID with key and file, no portal is trusted, nothing can be set', async () => {
    store.setSettings({ portalAllowlist: ['https://eigen.example'] });
    const host = await hostWith({ AllowedPortalOrigins: 'https://portaal.zorgid.nl' });
    const result = await host.invoke('settings:get');
    expect(result).toMatchObject({ ok: true, value: { policy: { error: { code: 'ERR_POLICY_INVALID', kind: 'fatal', detail: { key: 'AllowedPortalOrigins', source: host.file } } } } });
    expect(host.settings.trustedPortals()).toEqual([]);
    expect(await host.invoke('settings:set', { portalAllowlist: ['https://eigen.example'] })).toMatchObject({ ok: false, error: { code: 'ERR_SETTINGS_LOCKED' } });
  });

  it('refuses an unknown settings key as a malformed call, before any policy check', async () => {
    const host = await hostWith(null);
    expect(await host.invoke('settings:set', { auditRetentionDays: 1 })).toMatchObject({ ok: false, error: { code: 'ERR_IPC_INVALID_INPUT' } });
  });
});

describe('policy setup (both hosts)', () => {
  it('trusts the run’s portals beside the policy’s, none once the policy breaks, and follows the files', async () => {
    const dir = join(root, 'policy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: false }));
    const lines: string[] = [];
    const changed: SettingsView[] = [];
    const setup = await setupPolicy({
      store,
      read: () => readPolicyDir(dir),
      watchDirs: [dir],
      pollMs: 0,
      log: (line) => lines.push(line),
      onChange: (view) => changed.push(view),
    });
    try {
      expect(setup.portals(['http://127.0.0.1:24780'])).toEqual(['https://portaal.zorgid.nl', 'http://127.0.0.1:24780']);
      writeFileSync(join(dir, 'policy.json'), '{"AllowedPortalOrigins": ["https://portaal.zorgid.nl"], "AllowUserPortalOrigins": "nee"}');
      await expect.poll(() => changed.length, { timeout: 5_000 }).toBe(1);
      expect(setup.portals(['http://127.0.0.1:24780'])).toEqual([]);
      expect(changed[0]!.policy.error).toMatchObject({ code: 'ERR_POLICY_INVALID', detail: { key: 'AllowUserPortalOrigins', source: join(dir, 'policy.json') } });
      expect(lines.some((l) => l.startsWith('ERR_POLICY_INVALID key=AllowUserPortalOrigins'))).toBe(true);
    } finally {
      setup.close();
    }
  });
});
