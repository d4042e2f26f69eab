// Packs the workspace packages (protocol, uzi, validator) as a portal vendor installs them:
// `node scripts/pack-packages.mjs <out-dir> [name…]` writes zorgid-<name>-<version>.tgz files.
// In the repository the packages point at their TypeScript sources; the tarball holds JavaScript
// (ESM, one bundle per export, shared code in chunks so each class exists once) plus type
// declarations, and depends on the other @zorgid packages by version as the sources do.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [outArg, ...names] = process.argv.slice(2);
if (!outArg) {
  console.error('usage: node scripts/pack-packages.mjs <out-dir> [protocol|uzi|validator…]');
  process.exit(2);
}
const out = resolve(outArg);
const packages = names.length ? names : ['protocol', 'uzi', 'validator'];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** "./src/errors/index.ts" → "errors/index" (the file's name under dist/). */
const distName = (source) => source.replace(/^\.\/src\//, '').replace(/\.ts$/, '');

async function pack(name) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const stage = join(root, '.tmp', 'pack', name);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });

  const entries = Object.entries(manifest.exports);
  await build({
    entryPoints: Object.fromEntries(entries.map(([, source]) => [distName(source), join(dir, source)])),
    outdir: join(stage, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  // Another @zorgid package is typed by its staged declarations, not compiled again from its sources.
  const paths = {};
  for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@zorgid/'))) {
    const depName = dep.slice('@zorgid/'.length);
    const depExports = JSON.parse(readFileSync(join(root, 'packages', depName, 'package.json'), 'utf8')).exports;
    for (const [key, source] of Object.entries(depExports)) paths[dep + key.slice(1)] = [join(root, '.tmp', 'pack', depName, 'dist', 'types', `${distName(source)}.d.ts`)];
  }
  const tsconfig = join(stage, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: { declaration: true, emitDeclarationOnly: true, noEmit: false, rootDir: join(dir, 'src'), outDir: join(stage, 'dist', 'types'), types: ['node'], lib: ['ES2023'], composite: false, incremental: false, paths },
    include: [join(dir, 'src', '**', '*.ts')],
    exclude: [join(dir, 'src', '**', '*.test.ts')],
  }));
  execFileSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit', cwd: root });

  const exportsMap = Object.fromEntries(entries.map(([key, source]) => [key, { types: `./dist/types/${distName(source)}.d.ts`, default: `./dist/${distName(source)}.js` }]));
  const { files: _files, ...rest } = manifest;
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ ...rest, exports: exportsMap, files: ['dist', 'README.md'] }, null, 2) + '\n');
  cpSync(join(dir, 'README.md'), join(stage, 'README.md'));
  mkdirSync(out, { recursive: true });
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
  console.log(join(out, file));
}

for (const name of packages) await pack(name);
