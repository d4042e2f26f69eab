import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLinuxPolicy } from './linux-policy';
import { effectiveSettings, policyError } from './policy-merge';

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'zorgid-linuxpolicy-'));
  dir = join(root, 'etc/zorgid-desktop');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(relative: string, content: unknown): string {
  const file = join(dir, relative);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

describe('Linux policy files', () => {
  it('has no policy when /etc/zorgid-desktop does not exist', async () => {
    const policy = await readLinuxPolicy(root);
    expect(policy).toMatchObject({ values: {}, invalid: [], unknown: [], sources: [] });
  });

  it('reads policy.json, then policy.d/*.json in lexical order, a later file winning per key', async () => {
    const main = write('policy.json', {
      $schema: 'https://zorgid.nl/schemas/desktop-policy.schema.json',
      AllowedPortalOrigins: ['https://portaal.zorgid.nl'],
      Language: 'nl',
      LoopbackPort: 24761,
    });
    const early = write('policy.d/10-ziekenhuis.json', { Language: 'en', AuditRetentionDays: 90 });
    const late = write('policy.d/20-afdeling.json', { AuditRetentionDays: 30 });
    write('policy.d/README.txt', 'not json, not read');
    write('policy.d/.30-editor-backup.json', '{');
    const policy = await readLinuxPolicy(root);
    expect(policy.sources).toEqual([main, early, late]);
    expect(policy.values.Language).toEqual({ value: 'en', origin: early });
    expect(policy.values.AuditRetentionDays).toEqual({ value: 30, origin: late });
    expect(policy.values.AllowedPortalOrigins).toEqual({ value: ['https://portaal.zorgid.nl'], origin: main });
    expect(policy.invalid).toEqual([]);
  });

  it('reports unknown keys with their file, and does not use them', async () => {
    const file = write('policy.json', { AllowedPortalOrigin: ['https://kwaadaardig.example'], Language: 'nl' });
    const policy = await readLinuxPolicy(root);
    expect(policy.unknown).toEqual([{ key: 'AllowedPortalOrigin', source: file }]);
    expect(effectiveSettings(policy, {}).portalAllowlist).toMatchObject({ value: [], source: 'default' });
  });

  it('fails closed on broken JSON, naming the file, and trusts no portal even from the person', async () => {
    write('policy.json', { AllowedPortalOrigins: ['https://portaal.zorgid.nl'] });
    const broken = write('policy.d/50-kapot.json', '{ "AllowUserPortalOrigins": true, ');
    const policy = await readLinuxPolicy(root);
    expect(policyError(policy)).toEqual({ code: 'ERR_POLICY_INVALID', kind: 'fatal', detail: { key: '*', source: broken } });
    const effective = effectiveSettings(policy, { portalAllowlist: ['https://eigen.example'] });
    expect(effective.portalAllowlist).toEqual({ value: [], source: 'policy', origin: broken, locked: true });
    expect(effective.allowUserPortalOrigins.value).toBe(false);
  });

  it('names the key of an invalid allowlist entry (a path is not an origin)', async () => {
    const file = write('policy.json', { AllowedPortalOrigins: ['https://portaal.zorgid.nl/login'] });
    expect(policyError(await readLinuxPolicy(root))).toMatchObject({ detail: { key: 'AllowedPortalOrigins', source: file } });
  });

  it.skipIf(process.getuid?.() === 0)('fails closed on a policy file it may not read', async () => {
    const file = write('policy.json', { Language: 'nl' });
    chmodSync(file, 0o000);
    expect(policyError(await readLinuxPolicy(root))).toMatchObject({ detail: { key: '*', source: file } });
  });

  it('refuses a top level that is not an object', async () => {
    const file = write('policy.json', '["https://portaal.zorgid.nl"]');
    expect(policyError(await readLinuxPolicy(root))).toMatchObject({ detail: { key: '*', source: file } });
  });
});
