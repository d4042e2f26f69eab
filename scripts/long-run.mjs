#!/usr/bin/env node
// The long runs of the bounded tests in `npm test`:
//   npm run crash -- --kills 300    test/crash: SIGKILLs per store (CRASH_KILLS; npm test: 15)
//   npm run soak -- --cycles 200    test/soak: card-lab cycles (SOAK_CYCLES; npm test: 10; under with-pcscd.sh)
import { spawnSync } from 'node:child_process';

const RUNS = {
  crash: { option: '--kills', env: 'CRASH_KILLS', fallback: 300, project: 'unit', dir: 'test/crash' },
  soak: { option: '--cycles', env: 'SOAK_CYCLES', fallback: 200, project: 'lab', dir: 'test/soak' },
};
const [kind, ...args] = process.argv.slice(2);
const run = RUNS[kind];
if (!run) throw new Error(`usage: long-run <${Object.keys(RUNS).join('|')}> [option N]`);
const i = args.indexOf(run.option);
const n = i >= 0 ? Number(args[i + 1]) : run.fallback;
if (!Number.isInteger(n) || n < 1) throw new Error(`${run.option} <positive integer>`);
const r = spawnSync('npx', ['vitest', 'run', '--project', run.project, run.dir], { stdio: 'inherit', env: { ...process.env, [run.env]: String(n) } });
process.exit(r.status ?? 1);
