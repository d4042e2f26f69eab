// The house has three deliverables and three packages, and they meet only through package names:
// the app (src/) never imports the reference portal (portal/) or back, neither reaches into a
// package's files, and each package uses only the packages it may (protocol ← uzi ← validator).
// Checked here on resolved paths, tests included; eslint.config.mjs says the same while typing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

type Area = 'app' | 'portal' | 'protocol' | 'uzi' | 'validator' | 'test' | 'other';
const MAY_USE: Record<Area, readonly string[]> = {
  app: ['@zorgid/protocol', '@zorgid/uzi'],
  portal: ['@zorgid/protocol', '@zorgid/uzi', '@zorgid/validator'],
  protocol: [],
  uzi: ['@zorgid/protocol'],
  validator: ['@zorgid/protocol', '@zorgid/uzi'],
  test: ['@zorgid/protocol', '@zorgid/uzi', '@zorgid/validator'],
  other: [],
};

function areaOf(path: string): Area {
  const p = relative(root, path).split('/');
  if (p[0] === 'src' || p[0] === 'native') return 'app';
  if (p[0] === 'portal') return 'portal';
  if (p[0] === 'packages' && (p[1] === 'protocol' || p[1] === 'uzi' || p[1] === 'validator')) return p[1];
  if (p[0] === 'test') return 'test';
  return 'other';
}

// The one named exception: npm start's reference portal trusts the card lab's test CAs, and its
// entry point loads them from the lab (the portal is never shipped; the app's bundles are scanned for
// lab material by test/production-build.test.ts).
const MAY_LOAD_CARD_LAB = new Set(['portal/main.ts']);

const isTestFile = (path: string) => /\.(test|spec|fixture)\.tsx?$/.test(path) || ('/' + relative(root, path)).includes('/test/');

const SPECIFIER = /(?:^|[^\w$.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w$.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w$.])import\s+['"]([^'"]+)['"]/gm;

function specifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

function resolveRelative(from: string, spec: string, exists: (p: string) => boolean): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}.mjs`, join(base, 'index.ts'), join(base, 'index.tsx')]) if (exists(candidate)) return candidate;
  return null;
}

export interface SourceFile {
  path: string;
  source: string;
}

/** Every import that crosses a wall it may not, as "file → specifier (why)". */
export function boundaryViolations(files: readonly SourceFile[], exists: (p: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = areaOf(file.path);
    if (from === 'test' || from === 'other') continue;
    for (const spec of specifiers(file.source)) {
      const where = `${relative(root, file.path)} → ${spec}`;
      if (spec.startsWith('.')) {
        const target = resolveRelative(file.path, spec, exists);
        if (!target) continue;
        const to = areaOf(target);
        if (to === from) continue;
        if (to === 'test' && (isTestFile(file.path) || MAY_LOAD_CARD_LAB.has(relative(root, file.path)))) continue;
        found.push(`${where} (${from} reaches into ${to}; use a package name)`);
      } else if (spec.startsWith('@zorgid/')) {
        const name = spec.split('/').slice(0, 2).join('/');
        if (name === `@zorgid/${from}`) found.push(`${where} (a package imports itself by name)`);
        else if (!MAY_USE[from].includes(name)) found.push(`${where} (${from} may not use ${name})`);
      }
    }
  }
  return found;
}

function repositoryFiles(): SourceFile[] {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', 'src', 'portal', 'packages'], { cwd: root, encoding: 'utf8' });
  return listed
    .split('\n')
    .filter((f) => /\.(ts|tsx|mts|mjs)$/.test(f))
    .map((f) => join(root, f))
    .filter((f) => existsSync(f))
    .map((path) => ({ path, source: readFileSync(path, 'utf8') }));
}

const onDisk = (p: string) => existsSync(p) && statSync(p).isFile();

describe('package boundaries', () => {
  it('finds no import across the walls, tests included', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(200);
    expect(boundaryViolations(files, onDisk)).toEqual([]);
  });

  it('every @zorgid import of a package is one of its declared dependencies', () => {
    for (const name of ['protocol', 'uzi', 'validator'] as const) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@zorgid/')).sort();
      expect(declared, name).toEqual([...MAY_USE[name]].sort());
    }
  });

  it('reports each kind of crossing (the check can fail)', () => {
    const at = (p: string) => join(root, p);
    const present = new Set([at('portal/server.ts'), at('src/main/index.ts'), at('packages/uzi/src/chain.ts'), at('test/card-lab/pki/index.ts'), at('src/shared/errors.ts')]);
    const files: SourceFile[] = [
      { path: at('src/main/probe.ts'), source: "import { createPortal } from '../../portal/server';\n" },
      { path: at('portal/probe.ts'), source: "export { main } from '../src/main/index';\n" },
      { path: at('src/main/core/probe.ts'), source: "const m = await import('../../../packages/uzi/src/chain');\n" },
      { path: at('src/main/probe2.ts'), source: "import { createValidator } from '@zorgid/validator';\n" },
      { path: at('packages/protocol/src/probe.ts'), source: "import type { UziHolder } from '@zorgid/uzi';\n" },
      { path: at('packages/uzi/src/probe.ts'), source: "import { AppError } from '../../../src/shared/errors';\n" },
      { path: at('packages/uzi/src/probe.ts'), source: "import { loadCardLab } from '../../../test/card-lab/pki';\n" },
      // Allowed: a package test using the card lab, the portal using the validator, the app uzi.
      { path: at('packages/uzi/src/probe.test.ts'), source: "import { loadCardLab } from '../../../test/card-lab/pki';\n" },
      { path: at('portal/probe3.ts'), source: "import { createValidator } from '@zorgid/validator';\n" },
      { path: at('src/main/probe3.ts'), source: "import { parseUziCertificate } from '@zorgid/uzi';\n" },
    ];
    const found = boundaryViolations(files, (p) => present.has(p));
    expect(found.map((f) => f.split(' → ')[0])).toEqual([
      'src/main/probe.ts',
      'portal/probe.ts',
      'src/main/core/probe.ts',
      'src/main/probe2.ts',
      'packages/protocol/src/probe.ts',
      'packages/uzi/src/probe.ts',
      'packages/uzi/src/probe.ts',
    ]);
  });
});
