// macOS: managed preferences for nl.zorgid.desktop, written by an MDM profile (resources/policy/
// nl.zorgid.desktop.mobileconfig): /Library/Managed Preferences/nl.zorgid.desktop.plist for the machine
// and /Library/Managed Preferences/<user>/nl.zorgid.desktop.plist for one user, the machine's winning.
// Plists (often binary) are turned into JSON by `plutil -convert json -o - <file>` behind the command port.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { mergePolicies, policyFromEntries, unreadablePolicy, type PartialPolicy } from './policy-merge';
import type { RunCommand } from './windows-policy';

export const MAC_DOMAIN = 'nl.zorgid.desktop';
const MANAGED = 'Library/Managed Preferences';

export function macPolicyFiles(root: string, user: string): { user: string; machine: string } {
  return { user: join(root, MANAGED, user, `${MAC_DOMAIN}.plist`), machine: join(root, MANAGED, `${MAC_DOMAIN}.plist`) };
}

/** What `plutil -convert json -o - <file>` printed → policy entries. */
export function macPolicyFromPlutil(stdout: string, file: string): PartialPolicy {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return unreadablePolicy(file, 'plutil printed no JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return unreadablePolicy(file, 'not a dictionary');
  // Payload* keys are the profile's own bookkeeping, not policy.
  const entries = Object.entries(json)
    .filter(([name]) => !name.startsWith('Payload'))
    .map(([name, value]) => ({ name, value, origin: file }));
  return policyFromEntries(entries, file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export async function readMacPolicy(options: { root: string; user: string; run: RunCommand }): Promise<PartialPolicy> {
  const files = macPolicyFiles(options.root, options.user);
  const parts: PartialPolicy[] = [];
  for (const file of [files.user, files.machine]) {
    if (!(await exists(file))) continue;
    try {
      const result = await options.run('plutil', ['-convert', 'json', '-o', '-', file]);
      parts.push(result.code === 0 ? macPolicyFromPlutil(result.stdout, file) : unreadablePolicy(file, `plutil: ${result.stderr.trim() || `exit ${result.code}`}`));
    } catch (err) {
      parts.push(unreadablePolicy(file, `plutil failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
  return mergePolicies(parts);
}
