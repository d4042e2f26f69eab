import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { macPolicyFiles, macPolicyFromPlutil, readMacPolicy } from './mac-policy';
import { policyError } from './policy-merge';
import type { CommandResult, RunCommand } from './windows-policy';

// What `plutil -convert json -o - <file>` prints on macOS 15 for a managed preferences plist: one line,
// slashes escaped as \/ (fixtures/).
const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'zorgid-macpolicy-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function place(file: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  // The content does not matter: plutil is the port; the reader only checks the file is there.
  writeFileSync(file, 'bplist00');
}

function plutil(answers: Record<string, CommandResult>): RunCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (command: string, args: readonly string[]): Promise<CommandResult> => {
    calls.push([command, ...args]);
    return answers[args.at(-1)!] ?? { code: 1, stdout: '', stderr: 'file does not exist or is not readable' };
  };
  return Object.assign(run, { calls });
}

describe('macOS managed preferences (plutil output)', () => {
  it('parses what plutil printed, with escaped slashes, booleans and integers', () => {
    const policy = macPolicyFromPlutil(fixture('plutil-machine.json'), '/Library/Managed Preferences/nl.zorgid.desktop.plist');
    expect(policy.invalid).toEqual([]);
    expect(policy.values.AllowedPortalOrigins?.value).toEqual(['https://portaal.zorgid.nl', 'https://zorgid.apotheek-centrum.example']);
    expect(policy.values.Pkcs11ModulePath?.value).toBe('/usr/local/lib/libaetpkss.dylib');
    expect(policy.values.AllowUserPortalOrigins?.value).toBe(false);
    expect(policy.values.AuditRetentionDays?.value).toBe(400);
  });

  it('lets the machine plist win over the per-user one and reports unknown keys', async () => {
    const files = macPolicyFiles(root, 'janssen');
    place(files.machine);
    place(files.user);
    const run = plutil({
      [files.machine]: { code: 0, stdout: fixture('plutil-machine.json'), stderr: '' },
      [files.user]: { code: 0, stdout: fixture('plutil-user.json'), stderr: '' },
    });
    const policy = await readMacPolicy({ root, user: 'janssen', run });
    expect(run.calls).toEqual([
      ['plutil', '-convert', 'json', '-o', '-', files.user],
      ['plutil', '-convert', 'json', '-o', '-', files.machine],
    ]);
    expect(files.user).toBe(join(root, 'Library/Managed Preferences/janssen/nl.zorgid.desktop.plist'));
    expect(policy.values.Language).toEqual({ value: 'nl', origin: files.machine });
    expect(policy.values.DiagnosticsAllowed).toEqual({ value: true, origin: files.machine });
    expect(policy.unknown).toEqual([{ key: 'ShowTrayIcon', source: files.user }]);
  });

  it('has no policy without the plists, and fails closed on a plist plutil refuses', async () => {
    const none = await readMacPolicy({ root, user: 'janssen', run: plutil({}) });
    expect(none.sources).toEqual([]);
    const files = macPolicyFiles(root, 'janssen');
    place(files.machine);
    const refused = plutil({ [files.machine]: { code: 1, stdout: '', stderr: `${files.machine}: invalid object in plist for destination format\n` } });
    expect(policyError(await readMacPolicy({ root, user: 'janssen', run: refused }))).toEqual({
      code: 'ERR_POLICY_INVALID',
      kind: 'fatal',
      detail: { key: '*', source: files.machine },
    });
  });

  it('names the key of a damaged value', () => {
    const policy = macPolicyFromPlutil('{"LoopbackPort":"24761","Language":"fr"}', '/Library/Managed Preferences/nl.zorgid.desktop.plist');
    expect(policy.invalid.map((p) => p.key)).toEqual(['LoopbackPort', 'Language']);
  });
});
