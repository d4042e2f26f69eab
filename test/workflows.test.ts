// The release pipeline cannot run here (no runners), so what can be checked is checked: every workflow
// passes a GitHub Actions schema validator (@action-validator/cli), a broken one does not, and the
// steps the release depends on are there (issue 13 item 4). The packaging config is checked beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const root = join(import.meta.dirname, '..');
const dir = join(root, '.github/workflows');
const validator = join(root, 'node_modules/@action-validator/cli/cli.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'zorgid-workflows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function validate(file: string): { ok: boolean; output: string } {
  const r = spawnSync(process.execPath, [validator, file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: string;
  uses?: string;
  needs?: string | string[];
  steps?: Step[];
  strategy?: { matrix: { include: Array<{ os: string; targets: string }> } };
}
const workflow = (name: string) => parseYaml(readFileSync(join(dir, name), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('GitHub workflows', () => {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

  it('are ci.yml and release.yml, and each passes the schema validator', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
    for (const f of files) {
      const r = validate(join(dir, f));
      expect(r.ok, `${f}: ${r.output}`).toBe(true);
    }
  });

  it('the validator refuses a broken workflow (so the check can fail)', () => {
    const broken = readFileSync(join(dir, 'release.yml'), 'utf8').replace('runs-on: ${{ matrix.os }}', 'runs_on: ${{ matrix.os }}');
    writeFileSync(join(scratch, 'broken.yml'), broken);
    const schema = validate(join(scratch, 'broken.yml'));
    expect(schema.ok).toBe(false);
    expect(schema.output).toContain('"errors"');
    writeFileSync(join(scratch, 'not-yaml.yml'), 'on: [push\njobs: {');
    const parse = validate(join(scratch, 'not-yaml.yml'));
    expect(parse.ok).toBe(false);
    expect(parse.output).toContain('parse_error');
  });

  it('ci runs the README test line (.ci/run) on every push, on Debian 12', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_call']));
    expect(runs(ci.jobs.test!)).toContain('bash .ci/run');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const ciRun = readFileSync(join(root, '.ci/run'), 'utf8');
    const testLine = ciRun.trim().split('\n').at(-1)!;
    expect(readme).toContain(testLine);
  });

  it('release builds on Windows, macOS and Linux with the Electron tests and every installer', () => {
    const release = workflow('release.yml');
    expect(release.jobs.test?.uses).toBe('./.github/workflows/ci.yml');
    const build = release.jobs.build!;
    expect(build.needs).toBe('test');
    const matrix = build.strategy!.matrix.include;
    expect(matrix.map((m) => m.os).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    expect(matrix.find((m) => m.os.startsWith('windows'))!.targets).toMatch(/msi.*nsis|nsis.*msi/);
    expect(matrix.find((m) => m.os.startsWith('macos'))!.targets).toMatch(/dmg.*pkg/);
    expect(matrix.find((m) => m.os.startsWith('ubuntu'))!.targets).toMatch(/AppImage.*deb/);
    const setupNode = build.steps!.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(setupNode?.with?.['node-version-file']).toBe('.nvmrc');
    const script = runs(build);
    expect(script).toContain('npm ci');
    expect(script).toMatch(/xvfb-run .*npm run test:electron/);
    expect(script).toContain('CSC_IDENTITY_AUTO_DISCOVERY=false'); // unsigned builds work without secrets
    const final = runs(release.jobs.release!);
    expect(final).toContain('SHA256SUMS');
    expect(final).toMatch(/@cyclonedx\/cyclonedx-npm .*--omit dev/);
  });
});

describe('electron-builder.yml', () => {
  const config = parseYaml(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, Record<string, unknown>> & {
    protocols: Array<{ schemes: string[] }>;
    electronVersion: string;
  };

  it('registers zorgid:// and targets MSI per machine, NSIS, dmg + pkg, AppImage + deb', () => {
    expect(config.protocols.flatMap((p) => p.schemes)).toContain('zorgid');
    expect(config.win!.target).toEqual(['msi', 'nsis']);
    expect(config.msi!.perMachine).toBe(true);
    expect(config.mac!.target).toEqual(['dmg', 'pkg']);
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.linux!.mimeTypes).toContain('x-scheme-handler/zorgid');
    expect(config.deb!.depends).toEqual(expect.arrayContaining(['pcscd', 'libpcsclite1']));
    // electron-builder's protocols reach only macOS: the NSIS installer writes the scheme itself.
    const nsh = readFileSync(join(root, String(config.nsis!.include)), 'utf8');
    expect(nsh).toMatch(/customInstall[\s\S]*Software\\Classes\\zorgid\\shell\\open\\command/);
    expect(nsh).toMatch(/customUnInstall[\s\S]*DeleteRegKey SHCTX "Software\\Classes\\zorgid"/);
  });

  it('macOS: hardened runtime with the smartcard entitlement', () => {
    expect(config.mac!.hardenedRuntime).toBe(true);
    const plist = readFileSync(join(root, String(config.mac!.entitlements)), 'utf8');
    expect(plist).toMatch(/<key>com\.apple\.security\.smartcard<\/key>\s*<true\/>/);
  });

  it('packages the locked Electron version', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(config.electronVersion).toBe(lock.packages['node_modules/electron']!.version);
  });
});
