import { describe, expect, it } from 'vitest';
import { effectiveSettings, mergePolicies, policyFromEntries, trustedPortals } from './policy-merge';
import { PolicySchema } from './policy-schema';

const FILE = '/etc/zorgid-desktop/policy.json';
const policyOf = (json: Record<string, unknown>, origin = FILE) =>
  policyFromEntries(Object.entries(json).map(([name, value]) => ({ name, value, origin })), origin);

describe('effective settings: policy > user > default', () => {
  it('without policy shows the person’s value as `user` and the rest as `default`, none locked', () => {
    const effective = effectiveSettings(policyOf({}), { language: 'en', pkcs11ModulePath: null, loopbackPort: 24761, portalAllowlist: [] });
    expect(effective.language).toEqual({ value: 'en', source: 'user', origin: null, locked: false });
    expect(effective.pkcs11ModulePath).toEqual({ value: null, source: 'default', origin: null, locked: false });
    expect(effective.portalAllowlist).toEqual({ value: [], source: 'default', origin: null, locked: false });
    expect(effective.auditRetentionDays).toMatchObject({ value: 365, source: 'default' });
  });

  it('a policy value wins over the person’s and is locked, naming where it was set', () => {
    const effective = effectiveSettings(policyOf({ Language: 'nl', Pkcs11ModulePath: '/opt/safesign/lib/libaetpkss.so' }), { language: 'en' });
    expect(effective.language).toEqual({ value: 'nl', source: 'policy', origin: FILE, locked: true });
    expect(effective.pkcs11ModulePath).toMatchObject({ value: '/opt/safesign/lib/libaetpkss.so', source: 'policy', locked: true });
  });

  it('adds the person’s portals to the organisation’s only while AllowUserPortalOrigins allows it', () => {
    const own = { portalAllowlist: ['https://eigen.example'] };
    const open = effectiveSettings(policyOf({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: true }), own);
    expect(open.portalAllowlist).toEqual({ value: ['https://portaal.zorgid.nl', 'https://eigen.example'], source: 'policy', origin: FILE, locked: false });
    const closed = effectiveSettings(policyOf({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: false }), own);
    expect(closed.portalAllowlist).toMatchObject({ value: ['https://portaal.zorgid.nl'], locked: true });
    const none = effectiveSettings(policyOf({ AllowUserPortalOrigins: false }), own);
    expect(none.portalAllowlist).toMatchObject({ value: [], source: 'policy', locked: true });
  });

  it('a damaged value locks everything to its narrowest value and trusts no portal', () => {
    const policy = mergePolicies([policyOf({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'] }), policyOf({ DiagnosticsAllowed: 'yes' }, '/etc/zorgid-desktop/policy.d/20.json')]);
    const effective = effectiveSettings(policy, { portalAllowlist: ['https://eigen.example'] });
    expect(trustedPortals(policy, effective)).toEqual([]);
    for (const state of Object.values(effective)) expect(state).toMatchObject({ source: 'policy', locked: true, origin: '/etc/zorgid-desktop/policy.d/20.json' });
    expect(effective.diagnosticsAllowed.value).toBe(false);
  });

  it('an unknown key never changes an effective value', () => {
    const policy = policyOf({ allowedportalorigins: ['https://portaal.zorgid.nl'], TrustAllPortals: true });
    expect(policy.unknown).toEqual([{ key: 'TrustAllPortals', source: FILE }]);
    // Names are matched without regard to case (registry and plists are case-insensitive).
    expect(policy.values.AllowedPortalOrigins?.value).toEqual(['https://portaal.zorgid.nl']);
  });

  it('the zod Policy accepts a full policy and refuses an unknown key', () => {
    const full = {
      AllowedPortalOrigins: ['https://portaal.zorgid.nl'],
      AllowUserPortalOrigins: false,
      Pkcs11ModulePath: 'C:\\Windows\\System32\\aetpkss1.dll',
      Language: 'nl',
      StartWithSession: true,
      LoopbackPort: 24761,
      DiagnosticsAllowed: true,
      AuditRetentionDays: 180,
    };
    expect(PolicySchema.parse(full)).toEqual(full);
    expect(PolicySchema.safeParse({ ...full, TrustAllPortals: true }).success).toBe(false);
    expect(PolicySchema.parse({ StartWithSession: 1 })).toEqual({ StartWithSession: true });
  });
});
