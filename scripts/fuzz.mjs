// `npm run fuzz -- --runs 1000000`: the fuzz properties (files named *-fuzz.test.ts) with N inputs per
// property instead of the bounded number `npm test` runs (FUZZ_RUNS, default 200). Each test scales
// its own timeout with the runs; --seed N replays a failure fast-check reported.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const runs = option('runs') ?? '10000';
if (!/^\d+$/.test(runs) || Number(runs) < 1) {
  console.error(`--runs must be a positive whole number, not ${runs}`);
  process.exit(2);
}
const seed = option('seed');

function fuzzFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return fuzzFiles(path);
    return entry.name.endsWith('-fuzz.test.ts') ? [relative(root, path)] : [];
  });
}

const files = ['src', 'portal'].flatMap((d) => fuzzFiles(join(root, d)));
console.log(`fuzz: ${runs} runs per property in ${files.join(', ')}`);
// The tests set their own timeouts from FUZZ_RUNS; the flag covers hooks and anything without one.
const timeout = String(60_000 + Number(runs) * 100);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'unit', `--testTimeout=${timeout}`, `--hookTimeout=120000`, ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, ...(seed ? { FUZZ_SEED: seed } : {}) },
});
process.exit(result.status ?? 1);
