#!/usr/bin/env node
// `npm run soak -- --cycles 200`: the card-lab soak (test/soak) with more cycles than the bounded run
// in `npm test` (SOAK_CYCLES). Needs the card lab: run it under scripts/with-pcscd.sh.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const i = args.indexOf('--cycles');
const cycles = i >= 0 ? Number(args[i + 1]) : 200;
if (!Number.isInteger(cycles) || cycles < 1) throw new Error('--cycles <positive integer>');
const r = spawnSync('npx', ['vitest', 'run', '--project', 'lab', 'test/soak'], { stdio: 'inherit', env: { ...process.env, SOAK_CYCLES: String(cycles) } });
process.exit(r.status ?? 1);
