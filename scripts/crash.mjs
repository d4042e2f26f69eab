#!/usr/bin/env node
// `npm run crash -- --kills 300`: the crash-durability test with more SIGKILLs per store than the
// bounded run in `npm test` (test/crash/crash-durability.test.ts, CRASH_KILLS).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const i = args.indexOf('--kills');
const kills = i >= 0 ? Number(args[i + 1]) : 300;
if (!Number.isInteger(kills) || kills < 1) throw new Error('--kills <positive integer>');
const r = spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'test/crash'], { stdio: 'inherit', env: { ...process.env, CRASH_KILLS: String(kills) } });
process.exit(r.status ?? 1);
