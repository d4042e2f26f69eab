import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCardLab, type CardLabPki } from '../../../test/card-lab/pki';
import { errorMessage } from '../../shared/error-messages';
import { runCertCli } from './cert';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const CLI = join(REPO, 'src/main/cli/cert.ts');

let pki: CardLabPki;
let scratch: string;
beforeAll(async () => {
  pki = await loadCardLab();
  scratch = mkdtempSync(join(tmpdir(), 'cert-cli-'));
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: REPO, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** The exact command of the README: `npm run --silent cert -- …`. */
const npmCert = (...args: string[]) => run('npm', ['run', '--silent', 'cert', '--', ...args]);
/** Same program without npm in between (faster). */
const cert = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args]);
/** The same entry point in-process, for the many small cases (each real spawn costs ~1.5 s). */
async function inProcess(...args: string[]): Promise<Run> {
  const r = await runCertCli(args, { readFile: (p) => readFileSync(p), now: () => new Date('2026-06-01T00:00:00Z') });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

describe('cert inspect', () => {
  it('prints the holder of a PEM certificate as one JSON object with exactly the documented keys', async () => {
    const r = await npmCert('inspect', pki.paths.cards['Z-huisarts'].auth!.certPem);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual([
      'uziNumber', 'cardType', 'roleCode', 'roleLabel', 'ura', 'agb', 'oidCa', 'version',
      'givenName', 'surname', 'commonName', 'organisation', 'subjectSerialNumber', 'notBefore', 'notAfter',
    ]);
    expect(out).toEqual(pki.cards['Z-huisarts'].expected);
  }, 60_000);

  it('reads DER too', async () => {
    const r = await inProcess('inspect', pki.paths.cards['N-medewerker'].auth!.certDer);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(pki.cards['N-medewerker'].expected);
  }, 60_000);

  it('prints the error code and Dutch message for a certificate that is not a valid UZI certificate', async () => {
    const r = await cert('inspect', pki.paths.cards['Z-malformed-othername'].auth!.certDer);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'ERR_CERT_UZI_FIELD_COUNT', message: errorMessage('ERR_CERT_UZI_FIELD_COUNT', 'nl') } });
    const root = await inProcess('inspect', pki.paths.root);
    expect(root.code).toBe(1);
    expect(JSON.parse(root.stdout).error.code).toBe('ERR_CERT_NOT_UZI');
    const junk = join(scratch, 'junk.pem');
    writeFileSync(junk, 'hello');
    const bad = await inProcess('inspect', junk);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('ERR_CERT_MALFORMED');
  }, 60_000);
});

describe('cert verify', () => {
  const chainArgs = () => ['--ca', pki.paths.ca.zorgverlener.certPem, '--ca', pki.paths.ca.persoon.certPem, '--ca', pki.paths.root];

  it('accepts a valid card up to the TEST root (last --ca is the trust anchor)', async () => {
    const r = await npmCert('verify', pki.paths.cards['Z-huisarts'].auth!.certPem, ...chainArgs(), '--at', '2026-06-01', '--crl', pki.paths.crl.zorgverlener);
    expect(r).toMatchObject({ code: 0 });
    expect(JSON.parse(r.stdout)).toEqual({ valid: true });
  }, 60_000);

  it('reports revoked, expired and unknown-CA cards with their codes', async () => {
    const revoked = await cert('verify', pki.paths.cards['Z-revoked'].auth!.certPem, ...chainArgs(), '--at', '2026-06-01T00:00:00Z', '--crl', pki.paths.crl.zorgverlener);
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ valid: false, error: { code: 'ERR_CERT_REVOKED' } });
    const expired = await inProcess('verify', pki.paths.cards['Z-expired'].auth!.certDer, ...chainArgs(), '--at', '2026-06-01');
    expect(JSON.parse(expired.stdout)).toMatchObject({ valid: false, error: { code: 'ERR_CERT_EXPIRED' } });
    const unknown = await inProcess('verify', pki.paths.cards['Z-unknown-ca'].auth!.certPem, ...chainArgs(), '--at', '2026-06-01');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ valid: false, error: { code: 'ERR_CERT_UNKNOWN_CA' } });
  }, 60_000);

  it('exits 2 with a usage line for wrong arguments', async () => {
    const real = await cert('verify', pki.paths.root);
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/^usage: cert inspect/m);
    for (const args of [[], ['frobnicate'], ['inspect'], ['inspect', '/no/such/file'], ['verify', pki.paths.root, '--ca', pki.paths.root, '--at', 'yesterday'], ['verify', pki.paths.root, '--ca']]) {
      const r = await inProcess(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^usage: cert inspect/m);
    }
  }, 60_000);
});
