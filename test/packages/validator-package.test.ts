// What a portal vendor gets: @zorgid/validator packed, installed with npm into an empty folder (no app,
// no portal, no repository beside it), validating a token signed with a card-lab key.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardLabPki } from '../card-lab/pki';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../card-lab/lab-tokens';

const root = resolve(import.meta.dirname, '../..');
const ORIGIN = 'https://portaal.leverancier.test';
let work: string;
let pki: CardLabPki;

// The vendor's program: plain JavaScript against the installed package, nothing else.
const VENDOR_SCRIPT = `
import { readFileSync } from 'node:fs';
import { createValidator, ValidatorError } from '@zorgid/validator';
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
const used = new Set();
const requests = new Map(input.requests.map((r) => [r.id, r]));
const validator = createValidator({
  trustAnchors: input.trustAnchors.map(b64),
  intermediates: input.intermediates.map(b64),
  crls: input.crls.map(b64),
  clock: () => input.now,
  requests: {
    find: (id) => (requests.has(id) ? { ...requests.get(id), usedAt: used.has(id) ? input.now : null } : null),
    markUsed: (id) => (used.has(id) ? false : (used.add(id), true)),
  },
});
const results = [];
for (const { requestId, token } of input.attempts) {
  try {
    const out = await validator.validate(token, { requestId, origin: input.origin });
    results.push({ ok: true, uziNumber: out.holder.uziNumber, cardType: out.holder.cardType, ura: out.holder.ura });
  } catch (err) {
    results.push({ ok: false, code: err instanceof ValidatorError ? err.code : 'not a ValidatorError: ' + String(err) });
  }
}
console.log(JSON.stringify(results));
`;

beforeAll(async () => {
  pki = await loadLab();
  work = mkdtempSync(join(tmpdir(), 'zorgid-vendor-'));
  execFileSync(process.execPath, [join(root, 'scripts/pack-packages.mjs'), join(work, 'tarballs')], { cwd: root, stdio: 'pipe' });
  const vendor = join(work, 'vendor');
  execFileSync('mkdir', ['-p', vendor]);
  writeFileSync(join(vendor, 'package.json'), JSON.stringify({ name: 'vendor-portal', version: '1.0.0', private: true, type: 'module' }));
  const tarballs = readdirSync(join(work, 'tarballs')).map((f) => join(work, 'tarballs', f));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...tarballs], { cwd: vendor, stdio: 'pipe' });
  writeFileSync(join(vendor, 'check.mjs'), VENDOR_SCRIPT);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('@zorgid/validator as a vendor installs it', () => {
  it('installs the three packages only, as JavaScript with types', () => {
    const modules = join(work, 'vendor', 'node_modules', '@zorgid');
    expect(readdirSync(modules).sort()).toEqual(['protocol', 'uzi', 'validator']);
    for (const name of ['protocol', 'uzi', 'validator']) {
      expect(existsSync(join(modules, name, 'dist', 'index.js'))).toBe(true);
      expect(existsSync(join(modules, name, 'dist', 'types', 'index.d.ts'))).toBe(true);
      expect(existsSync(join(modules, name, 'src'))).toBe(false);
    }
  });

  it('validates a card-lab token and refuses a tampered one with its code', () => {
    const request = (id: string) => ({ id, purpose: 'login' as const, challenge: newBrowserCode() + newBrowserCode(), origin: ORIGIN, ura: null, expiresAt: LAB_VALID_AT.getTime() + 60_000, usedAt: null });
    const [first, second] = [request('vendor-request-1'), request('vendor-request-2')];
    const token = signLabToken({ pki, card: 'Z-huisarts', request: first, browserCode: newBrowserCode() });
    const other = signLabToken({ pki, card: 'Z-huisarts', request: second, browserCode: newBrowserCode() });
    const tampered = { ...other, signature: other.signature.slice(0, -4) + (other.signature.endsWith('AAAA') ? 'BBBB' : 'AAAA') };
    const trust = labTrust(pki);
    const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');
    const inputFile = join(work, 'input.json');
    writeFileSync(inputFile, JSON.stringify({
      origin: ORIGIN,
      now: LAB_VALID_AT.getTime(),
      requests: [first, second],
      trustAnchors: trust.trustAnchors.map(b64),
      intermediates: trust.intermediates.map(b64),
      crls: labCrls(pki).map(b64),
      attempts: [
        { requestId: second.id, token: JSON.stringify(tampered) },
        { requestId: first.id, token: JSON.stringify(token) },
        { requestId: first.id, token: JSON.stringify(token) },
      ],
    }));
    const output = execFileSync(process.execPath, ['check.mjs', inputFile], { cwd: join(work, 'vendor'), encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([
      { ok: false, code: 'ERR_TOKEN_SIGNATURE_INVALID' },
      { ok: true, uziNumber: pki.cards['Z-huisarts'].expected.uziNumber, cardType: 'Z', ura: pki.cards['Z-huisarts'].expected.ura },
      { ok: false, code: 'ERR_TOKEN_REQUEST_USED' },
    ]);
  });
});
