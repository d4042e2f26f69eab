// Linux: /etc/zorgid-desktop/policy.json, then /etc/zorgid-desktop/policy.d/*.json in lexical order; a
// later file's key wins. `root` is the filesystem root (tests point it at a temp folder).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_POLICY, mergePolicies, policyFromEntries, unreadablePolicy, type PartialPolicy } from './policy-merge';

export const LINUX_POLICY_DIR = 'etc/zorgid-desktop';
// Policy files are small; anything bigger is not a policy someone wrote by hand or by Ansible.
const MAX_FILE_BYTES = 256 * 1024;

/** The folders a watcher should look at. */
export function linuxPolicyDirs(root: string): string[] {
  return policyDirWatchList(join(root, LINUX_POLICY_DIR));
}

export function policyDirWatchList(dir: string): string[] {
  return [dir, join(dir, 'policy.d')];
}

async function readPolicyFile(file: string): Promise<PartialPolicy | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return unreadablePolicy(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text.length > MAX_FILE_BYTES) return unreadablePolicy(file, 'file too large');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unreadablePolicy(file, 'not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return unreadablePolicy(file, 'not a JSON object');
  // "$schema" points editors at policy.schema.json; it is no policy key.
  const entries = Object.entries(json)
    .filter(([name]) => name !== '$schema')
    .map(([name, value]) => ({ name, value, origin: file }));
  return policyFromEntries(entries, file);
}

async function dropInFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    // Lexical by code point, not by locale: the order must not depend on the machine's language.
    return names
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

export function readLinuxPolicy(root: string): Promise<PartialPolicy> {
  return readPolicyDir(join(root, LINUX_POLICY_DIR));
}

/** One policy folder: its policy.json, then policy.d/*.json (also the preview's test folder). */
export async function readPolicyDir(dir: string): Promise<PartialPolicy> {
  const files = [join(dir, 'policy.json'), ...(await dropInFiles(join(dir, 'policy.d')))];
  const parts: PartialPolicy[] = [];
  for (const file of files) {
    const part = await readPolicyFile(file);
    if (part) parts.push(part);
  }
  return parts.length === 0 ? EMPTY_POLICY : mergePolicies(parts);
}
