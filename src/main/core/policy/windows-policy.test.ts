import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveSettings, policyError } from './policy-merge';
import { parseRegQuery, readWindowsPolicy, windowsPolicyFromRegQuery, type CommandResult, type RunCommand } from './windows-policy';

// What `reg query <key> /s` prints on Windows 11 (CRLF, four-space columns), captured into fixtures/.
const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const HKLM = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ZORG-ID\\Desktop';
const HKCU = 'HKEY_CURRENT_USER\\SOFTWARE\\Policies\\ZORG-ID\\Desktop';
const NOT_FOUND: CommandResult = { code: 1, stdout: '', stderr: 'FOUT: het systeem kan de opgegeven registersleutel of -waarde niet vinden.\r\n' };

function regPort(answers: Record<string, CommandResult>): RunCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (command: string, args: readonly string[]): Promise<CommandResult> => {
    calls.push([command, ...args]);
    return answers[args[1]!] ?? NOT_FOUND;
  };
  return Object.assign(run, { calls });
}

describe('Windows policy (reg query output)', () => {
  it('reads the value lines of each key, keeping empty data and the CRLF ends out', () => {
    const keys = parseRegQuery(fixture('reg-query-hklm.txt'));
    expect([...keys.keys()]).toEqual([HKLM, `${HKLM}\\AllowedPortalOrigins`]);
    expect(keys.get(HKLM)).toContainEqual({ name: 'LoopbackPort', type: 'REG_DWORD', data: '0x60b9' });
    expect(keys.get(HKLM)).toContainEqual({
      name: 'Pkcs11ModulePath',
      type: 'REG_SZ',
      data: 'C:\\Program Files\\A.E.T. Europe B.V\\SafeSign Identity Client\\aetpkss1.dll',
    });
    expect(parseRegQuery(`\r\n${HKLM}\r\n    Language    REG_SZ    \r\n\r\n`).get(HKLM)).toEqual([{ name: 'Language', type: 'REG_SZ', data: '' }]);
  });

  it('turns DWORDs into numbers and flags, and a list subkey (1, 2, 10) into a list in numeric order', () => {
    const policy = windowsPolicyFromRegQuery(fixture('reg-query-hklm.txt'), HKLM);
    expect(policy.invalid).toEqual([]);
    expect(policy.unknown).toEqual([]);
    expect(policy.values.AllowedPortalOrigins).toEqual({
      value: ['https://portaal.zorgid.nl', 'https://zorgid.ziekenhuis-oost.example', 'https://acceptatie.zorgid.nl'],
      origin: `${HKLM}\\AllowedPortalOrigins`,
    });
    expect(policy.values.AllowUserPortalOrigins).toEqual({ value: false, origin: `${HKLM}\\AllowUserPortalOrigins` });
    expect(policy.values.LoopbackPort?.value).toBe(24761);
    expect(policy.values.AuditRetentionDays?.value).toBe(180);
    expect(policy.values.StartWithSession?.value).toBe(true);
    expect(policy.values.Pkcs11ModulePath?.value).toBe('C:\\Program Files\\A.E.T. Europe B.V\\SafeSign Identity Client\\aetpkss1.dll');
  });

  it('reads a REG_MULTI_SZ list and reports a misspelt value name instead of using it', () => {
    const policy = windowsPolicyFromRegQuery(fixture('reg-query-hkcu.txt'), HKCU);
    expect(policy.values.AllowedPortalOrigins?.value).toEqual(['https://portaal.huisartsen.example', 'https://test.zorgid.nl']);
    expect(policy.unknown).toEqual([{ key: 'AuditRetentionDay', source: `${HKCU}\\AuditRetentionDay` }]);
  });

  it('lets HKLM win over HKCU, key by key, and asks reg.exe for both hives', async () => {
    const run = regPort({ [HKLM]: { code: 0, stdout: fixture('reg-query-hklm.txt'), stderr: '' }, [HKCU]: { code: 0, stdout: fixture('reg-query-hkcu.txt'), stderr: '' } });
    const policy = await readWindowsPolicy(run);
    expect(run.calls).toEqual([
      ['reg', 'query', HKCU, '/s'],
      ['reg', 'query', HKLM, '/s'],
    ]);
    expect(policy.values.Language).toEqual({ value: 'nl', origin: `${HKLM}\\Language` });
    expect(policy.values.AllowUserPortalOrigins?.value).toBe(false);
    expect(policy.values.AllowedPortalOrigins?.origin).toBe(`${HKLM}\\AllowedPortalOrigins`);
    const effective = effectiveSettings(policy, { portalAllowlist: ['https://eigen.example'] });
    expect(effective.portalAllowlist).toMatchObject({ source: 'policy', locked: true });
    expect(effective.portalAllowlist.value).not.toContain('https://eigen.example');
  });

  it('sees no policy when neither key exists (exit 1, message in the OS language)', async () => {
    const policy = await readWindowsPolicy(regPort({}));
    expect(policy).toMatchObject({ values: {}, invalid: [], unknown: [] });
    expect(policyError(policy)).toBeNull();
  });

  it('names the damaged registry value: a port as REG_SZ, a plain-http portal in the list', () => {
    const policy = windowsPolicyFromRegQuery(fixture('reg-query-hklm-damaged.txt'), HKLM);
    expect(policy.invalid.map((p) => [p.key, p.source])).toEqual([
      ['LoopbackPort', `${HKLM}\\LoopbackPort`],
      ['AllowedPortalOrigins', `${HKLM}\\AllowedPortalOrigins`],
    ]);
    expect(policyError(policy)).toEqual({ code: 'ERR_POLICY_INVALID', kind: 'fatal', detail: { key: 'LoopbackPort', source: `${HKLM}\\LoopbackPort` } });
    expect(effectiveSettings(policy, { portalAllowlist: ['https://eigen.example'] }).portalAllowlist).toMatchObject({ value: [], locked: true });
  });

  it('fails closed when reg.exe cannot run or a value has a type policy never uses', async () => {
    const broken: RunCommand = async () => {
      throw new Error('spawn reg ENOENT');
    };
    expect(policyError(await readWindowsPolicy(broken))).toMatchObject({ code: 'ERR_POLICY_INVALID', detail: { key: '*', source: HKCU } });
    // The unnamed default value of the key (as a Dutch Windows prints it) is no policy.
    expect(windowsPolicyFromRegQuery(`\r\n${HKLM}\r\n    (Standaard)    REG_SZ    \r\n\r\n`, HKLM)).toMatchObject({ invalid: [], unknown: [] });
    const binary = windowsPolicyFromRegQuery(`\r\n${HKLM}\r\n    DiagnosticsAllowed    REG_BINARY    01\r\n\r\n`, HKLM);
    expect(binary.invalid).toMatchObject([{ key: 'DiagnosticsAllowed' }]);
  });
});
