import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { linuxPolicyDirs, readLinuxPolicy } from './linux-policy';
import type { PartialPolicy } from './policy-merge';
import { watchPolicy, type PolicyWatch } from './policy-watch';

let root: string;
let watcher: PolicyWatch | null = null;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'zorgid-policywatch-'));
});
afterEach(() => {
  watcher?.close();
  rmSync(root, { recursive: true, force: true });
});

function nextChange(): { seen: PartialPolicy[]; onChange: (p: PartialPolicy) => void; wait: (count: number) => Promise<PartialPolicy> } {
  const seen: PartialPolicy[] = [];
  const waiters: (() => void)[] = [];
  const onChange = (p: PartialPolicy): void => {
    seen.push(p);
    for (const w of waiters.splice(0)) w();
  };
  return {
    seen,
    onChange,
    wait: (count) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no policy change #${count} within 5 s`)), 5_000);
        const check = (): void => {
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve(seen[count - 1]!);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

it('re-reads the Linux files when one is written, and only reports real changes', async () => {
  const dir = join(root, 'etc/zorgid-desktop');
  mkdirSync(join(dir, 'policy.d'), { recursive: true });
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ Language: 'nl' }));
  const changes = nextChange();
  watcher = watchPolicy({
    read: () => readLinuxPolicy(root),
    initial: await readLinuxPolicy(root),
    onChange: changes.onChange,
    dirs: linuxPolicyDirs(root),
    pollMs: 0,
    settleMs: 20,
  });
  writeFileSync(join(dir, 'policy.d/10-lock.json'), JSON.stringify({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: false }));
  const first = await changes.wait(1);
  expect(first.values.AllowedPortalOrigins?.value).toEqual(['https://portaal.zorgid.nl']);

  // Rewriting the same content is no change.
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ Language: 'nl' }));
  await watcher.check();
  expect(changes.seen).toHaveLength(1);

  writeFileSync(join(dir, 'policy.json'), '{ broken');
  const second = await changes.wait(2);
  expect(second.invalid).toMatchObject([{ key: '*', source: join(dir, 'policy.json') }]);
});

it('notices a policy folder that appears later, by polling', async () => {
  const changes = nextChange();
  watcher = watchPolicy({
    read: () => readLinuxPolicy(root),
    initial: await readLinuxPolicy(root),
    onChange: changes.onChange,
    dirs: linuxPolicyDirs(root),
    pollMs: 50,
    settleMs: 20,
  });
  mkdirSync(join(root, 'etc/zorgid-desktop'), { recursive: true });
  writeFileSync(join(root, 'etc/zorgid-desktop/policy.json'), JSON.stringify({ DiagnosticsAllowed: false }));
  expect((await changes.wait(1)).values.DiagnosticsAllowed?.value).toBe(false);
});

it('polls a source that cannot be watched (registry, plists) at the interval given', async () => {
  let answer: PartialPolicy = { values: {}, invalid: [], unknown: [], sources: [] };
  const changes = nextChange();
  watcher = watchPolicy({
    read: async () => answer,
    initial: answer,
    onChange: changes.onChange,
    pollMs: 30,
  });
  answer = { values: { Language: { value: 'en', origin: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ZORG-ID\\Desktop\\Language' } }, invalid: [], unknown: [], sources: ['HKLM'] };
  expect((await changes.wait(1)).values.Language?.value).toBe('en');
});
