// The installed app holds only the product (issue 13): builds the Electron bundles as the installers
// do (`electron-vite build`, production mode) and as the development build does (`--mode demo`), and
// scans every emitted file for demo and test material. The demo build must contain it (so the scan is
// known to find it); the production build must not.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { windowPaths } from '../src/main/app-url';
import { CA_DEFS, CARD_DEFS } from './card-lab/pki/cards';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'zorgid-build-'));

function build(mode: 'production' | 'demo'): string {
  const outDir = join(work, mode, 'out');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--mode', mode, '--outDir', outDir, '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8',
    env: process.env,
  });
  if (r.status !== 0) throw new Error(`electron-vite build --mode ${mode} failed: ${r.stderr}${r.stdout}`);
  return outDir;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The text and its base64 in all three alignments (certificates embedded as DER in base64). */
function forms(text: string): string[] {
  const b64 = [0, 1, 2].map((pad) => {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(text)]).toString('base64');
    return encoded.slice(pad === 0 ? 0 : 4, -4); // drop the blocks that hold the neighbours' bits
  });
  return [text, ...b64.filter((s) => s.length >= 12)];
}

const holders = Object.values(CARD_DEFS).flatMap((c) => (c.holder ? [c.holder.commonName, c.holder.organisation] : []));
const testCaSubjects = CA_DEFS.map((ca) => ca.commonName).filter((cn) => cn.startsWith('TEST '));
/** Code that exists only for the demo, the card lab and the browser preview. */
const codeMarkers = ['startCardLabDemo', 'createDemoCardService', 'loadDemoCards', 'installPreviewBridge', '/api/invoke', 'zorgid-card-lab', 'BEGIN PRIVATE KEY', 'BEGIN CERTIFICATE'];
// The reference portal is passed by npm start for one run; the preview's policy folder switch is for tests (issue 14).
const policyMarkers = ['127.0.0.1:24780', 'ZORGID_POLICY_DIR', '--policy-dir'];
const markers = [...new Set([...holders, ...testCaSubjects])].flatMap(forms).concat(codeMarkers, policyMarkers);

function findings(outDir: string): string[] {
  return files(outDir).flatMap((file) => {
    const text = readFileSync(file, 'latin1');
    return markers.filter((m) => text.includes(m)).map((m) => `${relative(outDir, file)}: ${m}`);
  });
}

let production = '';
let demo = '';
beforeAll(() => {
  production = build('production');
  demo = build('demo');
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('production Electron build', () => {
  it('the scan finds the demo material in the development build (it can fail)', () => {
    const found = findings(demo).join('\n');
    expect(found).toContain('Anna Maria de Vries');
    expect(found).toContain('startCardLabDemo');
    expect(testCaSubjects.length).toBeGreaterThanOrEqual(5);
  });

  it('holds no demo holder, no test CA, no card-lab and no preview code in any bundle', () => {
    expect(findings(production)).toEqual([]);
  });

  it('the renderer has no preview bridge and no demo controls', () => {
    const js = files(join(production, 'renderer')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    for (const f of js) expect(/preview-bridge|installPreviewBridge|demo:insert/.test(readFileSync(f, 'utf8')), relative(production, f)).toBe(false);
    const demoJs = files(join(demo, 'renderer')).filter((f) => f.endsWith('.js'));
    expect(demoJs.some((f) => readFileSync(f, 'utf8').includes('demo:insert'))).toBe(true);
  });

  it('main is ESM, the preload CommonJS, and the native modules stay external', () => {
    const main = readFileSync(join(production, 'main/index.js'), 'utf8');
    expect(main).toMatch(/^import .* from "electron";$/m);
    expect(main).not.toMatch(/\brequire\(/);
    const all = files(join(production, 'main')).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const native of ['better-sqlite3', 'pcsclite', 'graphene-pk11']) expect(all).toMatch(new RegExp(`(from |import\\()"${native}"`));
    // The PIN calls' addon (native/pkcs11-pin) is required by name at run time, not bundled.
    expect(all).toMatch(/\("@zorgid\/pkcs11-pin"\)/);
    // The store (better-sqlite3) loads after start, so a module that fails gets the startup dialog.
    expect(main).not.toMatch(/from "better-sqlite3"/);
    const preload = readFileSync(join(production, 'preload/index.cjs'), 'utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^import /m);
  });

  it('the paths window.ts and the card host use exist in the packaged layout', () => {
    // electron-builder packs out/** and resources/** into app.asar (files in electron-builder.yml);
    // main computes every path from its own folder, app.asar/out/main.
    const config = parseYaml(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { files: string[]; asar: boolean; asarUnpack: string[] };
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'resources/**']));
    expect(config.asarUnpack).toContain('**/*.node');
    const paths = windowPaths(join(production, 'main'));
    expect(paths.devServerUrl).toBeUndefined();
    for (const p of [paths.preload, paths.indexHtml, join(production, 'main/card-host.js'), join(production, 'main/token-worker.js')]) {
      expect(existsSync(p), p).toBe(true);
    }
    for (const p of [paths.icon!, join(production, 'main', '../../resources/tray.png')]) {
      expect(existsSync(join(root, relative(join(production, '..'), p))), p).toBe(true);
    }
  });
});
