// The templates IT imports (resources/policy/) say the same as the code: every key, the same names,
// values the parser accepts, every display string in both languages.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPortalOrigin } from '@zorgid/protocol';
import { policyFromEntries } from './policy-merge';
import { POLICY_KEYS } from './policy-schema';
import { macPolicyFromPlutil } from './mac-policy';
import { POLICY_SUBKEY } from './windows-policy';

const dir = resolve(__dirname, '../../../../resources/policy');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

describe('policy templates in resources/policy', () => {
  it('policy.schema.json names exactly the policy keys, and its origin pattern agrees with the app', () => {
    const schema = JSON.parse(read('policy.schema.json')) as { properties: Record<string, { items?: { pattern: string } }> };
    expect(Object.keys(schema.properties).filter((k) => k !== '$schema').sort()).toEqual([...POLICY_KEYS].sort());
    const pattern = new RegExp(schema.properties['AllowedPortalOrigins']!.items!.pattern);
    for (const origin of ['https://portaal.zorgid.nl', 'https://portaal.zorgid.nl:8443', 'http://127.0.0.1:24780', 'http://portaal.zorgid.nl', 'https://portaal.zorgid.nl/', 'https://portaal.zorgid.nl/login', 'http://localhost:24780']) {
      expect(pattern.test(origin), origin).toBe(isPortalOrigin(origin));
    }
  });

  it('the example policy.json is a valid policy with every key', () => {
    const json = JSON.parse(read('examples/policy.json')) as Record<string, unknown>;
    const policy = policyFromEntries(Object.entries(json).filter(([k]) => k !== '$schema').map(([name, value]) => ({ name, value, origin: 'policy.json' })), 'policy.json');
    expect(policy.invalid).toEqual([]);
    expect(policy.unknown).toEqual([]);
    expect(Object.keys(policy.values).sort()).toEqual([...POLICY_KEYS].sort());
  });

  it('the ADMX defines one policy per key under HKLM/HKCU Software\\Policies\\ZORG-ID\\Desktop, lists as numbered values', () => {
    const admx = read('zorgid-desktop.admx');
    const names = [...admx.matchAll(/<policy name="(\w+)" class="Both"/g)].map((m) => m[1]);
    expect(names.sort()).toEqual([...POLICY_KEYS].sort());
    for (const m of admx.matchAll(/key="([^"]+)"/g)) expect(m[1]!.toLowerCase().startsWith(POLICY_SUBKEY.toLowerCase())).toBe(true);
    expect(admx).toContain(`<list id="AllowedPortalOriginsList" key="Software\\Policies\\ZORG-ID\\Desktop\\AllowedPortalOrigins" valuePrefix="" />`);
    for (const key of POLICY_KEYS.filter((k) => k !== 'AllowedPortalOrigins')) expect(admx, key).toContain(`valueName="${key}"`);
  });

  it('both ADML files (nl-NL, en-US) hold every string and presentation the ADMX refers to', () => {
    const admx = read('zorgid-desktop.admx');
    const strings = new Set([...admx.matchAll(/\$\(string\.(\w+)\)/g)].map((m) => m[1]!));
    const presentations = new Set([...admx.matchAll(/\$\(presentation\.(\w+)\)/g)].map((m) => m[1]!));
    const refIds = new Set([...admx.matchAll(/<(?:list|text|enum|decimal) id="(\w+)"/g)].map((m) => m[1]!));
    for (const lang of ['nl-NL', 'en-US']) {
      const adml = read(`${lang}/zorgid-desktop.adml`);
      const have = new Set([...adml.matchAll(/<string id="(\w+)">/g)].map((m) => m[1]!));
      expect([...strings].filter((s) => !have.has(s)), lang).toEqual([]);
      const presented = new Set([...adml.matchAll(/<presentation id="(\w+)">/g)].map((m) => m[1]!));
      expect([...presentations].filter((p) => !presented.has(p)), lang).toEqual([]);
      const refs = new Set([...adml.matchAll(/refId="(\w+)"/g)].map((m) => m[1]!));
      expect([...refIds].filter((r) => !refs.has(r)), lang).toEqual([]);
    }
    expect(read('nl-NL/zorgid-desktop.adml')).toContain('<string id="AllowedPortalOrigins">Vertrouwde portalen</string>');
  });

  it('the example .mobileconfig payload is a valid policy with every key', () => {
    const profile = read('examples/nl.zorgid.desktop.mobileconfig');
    const payload = /<key>PayloadType<\/key>\s*<string>nl\.zorgid\.desktop<\/string>([\s\S]*?)<\/dict>\s*<\/array>/.exec(profile)?.[1] ?? '';
    // The few plist types a policy uses, as plutil -convert json would print them.
    const json: Record<string, unknown> = {};
    for (const m of payload.matchAll(/<key>(\w+)<\/key>\s*(<string>([^<]*)<\/string>|<integer>(\d+)<\/integer>|<(true|false)\/>|<array>([\s\S]*?)<\/array>)/g)) {
      json[m[1]!] = m[3] ?? (m[4] ? Number(m[4]) : m[5] ? m[5] === 'true' : [...m[6]!.matchAll(/<string>([^<]*)<\/string>/g)].map((s) => s[1]));
    }
    const policy = macPolicyFromPlutil(JSON.stringify(json), '/Library/Managed Preferences/nl.zorgid.desktop.plist');
    expect(policy.invalid).toEqual([]);
    expect(policy.unknown).toEqual([]);
    expect(Object.keys(policy.values).sort()).toEqual([...POLICY_KEYS].sort());
  });
});
