#!/usr/bin/env node
// Puts the real electron.d.ts of the locked Electron version at node_modules/.cache/electron-types/
// electron.d.ts, which tsconfig.node.json maps `electron` to. Where the electron package is installed
// (release runners) its own electron.d.ts is copied; elsewhere (no binary download possible) the registry
// tarball is fetched once with `npm pack electron@<locked>` — only its type file is used, no binary.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, 'node_modules', '.cache', 'electron-types');
const target = join(cache, 'electron.d.ts');
const stamp = join(cache, 'version');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const version = lock.packages?.['node_modules/electron']?.version;
if (!version) throw new Error('electron-types: no node_modules/electron version in package-lock.json');

mkdirSync(cache, { recursive: true });
const installed = join(root, 'node_modules', 'electron');
if (existsSync(join(installed, 'electron.d.ts'))) {
  const v = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version;
  copyFileSync(join(installed, 'electron.d.ts'), target);
  writeFileSync(stamp, `${v} (installed)\n`);
} else if (!existsSync(target) || readFileSync(stamp, 'utf8').split(' ')[0].trim() !== version) {
  const tmp = join(cache, 'pack');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const name = execFileSync('npm', ['pack', `electron@${version}`, '--silent', '--pack-destination', tmp], {
    cwd: tmp,
    encoding: 'utf8',
  }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(tmp, name), '-C', tmp, 'package/electron.d.ts']);
  copyFileSync(join(tmp, 'package', 'electron.d.ts'), target);
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(stamp, `${version} (registry)\n`);
}
