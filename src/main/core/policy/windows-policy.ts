// Windows: HKLM\SOFTWARE\Policies\ZORG-ID\Desktop (Group Policy / Intune, via resources/policy/*.admx),
// and HKCU\SOFTWARE\Policies\ZORG-ID\Desktop below it. Read through `reg query <key> /s` behind the
// command port, so the parsing of what reg.exe prints is tested with captured output on any OS.
import { EMPTY_POLICY, mergePolicies, policyFromEntries, unreadablePolicy, type PartialPolicy } from './policy-merge';
import type { RawEntry } from './policy-schema';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** The port to the OS tools (reg.exe, plutil); the adapter is command-port.ts. */
export type RunCommand = (command: string, args: readonly string[]) => Promise<CommandResult>;

export const POLICY_SUBKEY = 'SOFTWARE\\Policies\\ZORG-ID\\Desktop';
export const WINDOWS_POLICY_KEYS = [`HKEY_CURRENT_USER\\${POLICY_SUBKEY}`, `HKEY_LOCAL_MACHINE\\${POLICY_SUBKEY}`] as const;

export interface RegValue {
  name: string;
  type: string;
  data: string;
}

/** `reg query /s` output → values per key path, in the order printed. */
export function parseRegQuery(output: string): Map<string, RegValue[]> {
  const keys = new Map<string, RegValue[]>();
  let current: RegValue[] | null = null;
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (/^HKEY_[A-Z_]+\\/.test(line)) {
      current = [];
      keys.set(line.trim(), current);
      continue;
    }
    // "    Name    REG_SZ    data": four spaces around the type; data may be empty (trailing spaces).
    const value = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/.exec(line);
    if (value && current) current.push({ name: value[1]!, type: value[2]!, data: value[3] ?? '' });
  }
  return keys;
}

function regData(value: RegValue): unknown {
  switch (value.type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return value.data;
    case 'REG_DWORD':
    case 'REG_QWORD':
      return /^0x[0-9a-f]+$/i.test(value.data) ? Number.parseInt(value.data.slice(2), 16) : value.data;
    case 'REG_MULTI_SZ':
      // reg.exe prints the separators as the two characters "\0".
      return value.data === '' ? [] : value.data.split('\\0').filter((item) => item !== '');
    default:
      // REG_BINARY and friends are no policy type: the schema refuses the marker below.
      return { unsupportedRegistryType: value.type };
  }
}

/** One hive's `reg query` output → policy entries: values of the key, and lists as subkeys (1, 2, …). */
export function windowsPolicyFromRegQuery(output: string, rootKey: string): PartialPolicy {
  const keys = parseRegQuery(output);
  const entries: RawEntry[] = [];
  const rootLower = rootKey.toLowerCase();
  for (const [path, values] of keys) {
    const lower = path.toLowerCase();
    if (lower === rootLower) {
      // The key's unnamed default value prints as "(Default)" / "(Standaard)" (OS language): no policy.
      for (const value of values.filter((v) => !/^\(.*\)$/.test(v.name))) {
        entries.push({ name: value.name, value: regData(value), origin: `${path}\\${value.name}` });
      }
    } else if (lower.startsWith(`${rootLower}\\`)) {
      const name = path.slice(rootKey.length + 1);
      // A list: values named 1, 2, 3 … (ADMX <list>), taken in numeric order.
      const numbered = values.filter((v) => /^\d+$/.test(v.name)).sort((a, b) => Number(a.name) - Number(b.name));
      const items = numbered.length === values.length ? numbered.map((v) => regData(v)) : { notAList: values.map((v) => v.name) };
      entries.push({ name, value: items, origin: path });
    }
  }
  return keys.size === 0 ? EMPTY_POLICY : policyFromEntries(entries, rootKey);
}

export async function readWindowsPolicy(run: RunCommand): Promise<PartialPolicy> {
  const parts: PartialPolicy[] = [];
  // Lowest precedence first: HKCU, then HKLM.
  for (const key of WINDOWS_POLICY_KEYS) {
    let result: CommandResult;
    try {
      result = await run('reg', ['query', key, '/s']);
    } catch (err) {
      parts.push(unreadablePolicy(key, `reg.exe failed: ${err instanceof Error ? err.message : String(err)}`));
      continue;
    }
    // Exit 1 with nothing printed: the key does not exist (the message on stderr is in the OS language).
    if (result.code === 1 && result.stdout.trim() === '') continue;
    if (result.code !== 0) {
      parts.push(unreadablePolicy(key, `reg.exe exit ${result.code}`));
      continue;
    }
    parts.push(windowsPolicyFromRegQuery(result.stdout, key));
  }
  return mergePolicies(parts);
}
