#!/usr/bin/env node
// `npm test`: type-check, lint, unit tests, card-lab tests (serial, real pcscd + vpcd), Playwright E2E
// in Debian Chromium. Prints one plain `N passed, N failed, N skipped` line at the end (build-notes.md:
// CI reads that line, not vitest's or Playwright's own summaries).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'test-results', 'summary');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const only = process.argv.slice(2); // e.g. `npm test -- unit lab`
const want = (step) => only.length === 0 || only.includes(step);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function run(step, cmd, args, env = {}) {
  if (!want(step)) return null;
  console.log(`\n=== ${step}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${step}: exit ${r.status ?? r.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) failedSteps.push(step);
  return r.status;
}

function countVitest(file, step) {
  if (!existsSync(file)) {
    totals.failed += 1; // a runner that wrote no report did not pass
    return;
  }
  const j = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += j.numPassedTests ?? 0;
  totals.failed += (j.numFailedTests ?? 0) + (j.success === false && (j.numFailedTests ?? 0) === 0 ? 1 : 0);
  totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`=== ${step}: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests} skipped`);
}

function countPlaywright(file, step) {
  if (!existsSync(file)) {
    totals.failed += 1;
    return;
  }
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
  console.log(`=== ${step}: ${s.expected} passed, ${s.unexpected} failed, ${s.flaky} flaky, ${s.skipped} skipped`);
}

const npx = 'npx';
// main and preload are checked against the real electron.d.ts of the locked Electron version.
run('electron-types', 'node', ['scripts/electron-types.mjs']);
if (run('typecheck', npx, ['tsc', '-p', 'tsconfig.node.json', '--noEmit']) !== null) {
  run('typecheck-web', npx, ['tsc', '-p', 'tsconfig.web.json', '--noEmit']);
}
run('lint', npx, ['eslint', '--max-warnings=0', '.']);

for (const project of ['unit', 'lab']) {
  const file = join(out, `vitest-${project}.json`);
  if (run(project, npx, ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]) !== null) {
    countVitest(file, project);
  }
}

if (want('e2e') || want('electron')) run('build', 'npm', ['run', '--silent', 'build']);
for (const [step, config] of [['e2e', 'playwright.config.ts'], ['electron', 'playwright.electron.config.ts']]) {
  if (!existsSync(join(root, config))) continue;
  const file = join(out, `playwright-${step}.json`);
  if (run(step, npx, ['playwright', 'test', '--config', config, '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }) !== null) {
    countPlaywright(file, step);
  }
}

if (failedSteps.length) console.log(`\nFailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
