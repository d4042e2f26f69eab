// The diagnostics report against the card lab (issue 14): real pcscd + vpcd virtual cards read through
// the card host and OpenSC. It must show the readers, ATRs and module info, and nothing of the holders.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCardLab, type CardLab } from '../../../../test/card-lab/controller';
import { openscLabEnv } from '../../../../test/card-lab/opensc-conf';
import { ensurePcscd, OPENSC_PKCS11, requireLab, stopPcscd, type PcscdHandle } from '../../../../test/card-lab/pcscd';
import { LAB_VALID_AT, type CardLabPki, type LabCardId } from '../../../../test/card-lab/pki';
import { readWhenReady } from '../../../../test/card-lab/read-when-ready';
import { setupDiagnostics } from '../../diagnostics-setup';
import { createCardHost, type CardHost } from '../host/supervisor';
import { openAppStore, type AppStore } from '../store';
import { openAppLog, type AppLog } from './app-log';
import type { DiagnosticReport } from './report';
import { reportText } from './report-text';

const lab = requireLab();
const R0 = 'Virtual PCD 00 00';
const R1 = 'Virtual PCD 00 01';
const IN_READERS = { [R0]: 'Z-huisarts', [R1]: 'N-medewerker' } as const;
const ALSO_CHECKED: LabCardId[] = ['M-balie', 'Z-4096', 'Z-expired'];
const repoRoot = join(import.meta.dirname, '../../../..');

/** Every holder field of a lab card that could identify a person or be copied from the card. */
function holderStrings(pki: CardLabPki, ids: readonly LabCardId[]): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const card = pki.cards[id]!;
    const e = card.expected;
    for (const v of [e.uziNumber, e.agb, e.ura, e.givenName, e.surname, e.commonName, e.organisation, e.subjectSerialNumber, card.otherName]) {
      // 00000000 is "no AGB code", not a number of anyone (and part of every zero-padded slot id).
      if (typeof v === 'string' && v.length >= 3 && v !== '00000000') out.add(v);
    }
    for (const k of [card.auth, card.sign, card.enc]) {
      if (!k) continue;
      out.add(k.serialHex.toUpperCase());
      out.add(k.serialHex.toLowerCase());
      out.add(BigInt(`0x${k.serialHex}`).toString(10));
    }
  }
  return [...out];
}

function expectNoHolderData(text: string, forbidden: readonly string[]): void {
  const found = forbidden.filter((s) => text.includes(s));
  expect(found, `holder data in the report: ${found.join(' | ')}`).toEqual([]);
}

describe.skipIf(lab.skip)(lab.title('diagnostics report on the card lab (pcscd + vpcd + OpenSC)'), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;
  let pki: CardLabPki;
  let host: CardHost;
  let dataDir: string;
  let store: AppStore;
  let appLog: AppLog;
  let forbidden: string[];

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    const { loadCardLab } = await import('../../../../test/card-lab/pki');
    pki = await loadCardLab();
    forbidden = holderStrings(pki, [...Object.values(IN_READERS), ...ALSO_CHECKED]);
    cards = await startCardLab({ pki });
    await cards.insert(IN_READERS[R0], { reader: 0 });
    await cards.insert(IN_READERS[R1], { reader: 1 });
    dataDir = mkdtempSync(join(tmpdir(), 'zorgid-diag-'));
    store = openAppStore({ path: join(dataDir, 'zorgid-desktop.sqlite'), clock: () => LAB_VALID_AT.getTime() });
    store.setSettings({ pkcs11ModulePath: OPENSC_PKCS11 });
    appLog = openAppLog({ dir: dataDir, clock: Date.now });
    appLog.write({ level: 'warn', area: 'card', code: 'ERR_PIN_INCORRECT', fields: { ckr: 'CKR_PIN_INCORRECT', method: 'C_Login' } });
    host = createCardHost({ modulePath: OPENSC_PKCS11, env: openscLabEnv(), clock: () => LAB_VALID_AT.getTime(), onLog: (e) => appLog.write(e) });
    await host.whenReady();
    // The token is there once OpenSC has seen the card (~1.5 s after the insert).
    await readWhenReady(host, R0);
    await readWhenReady(host, R1);
  }, 60_000);

  afterAll(async () => {
    await host?.close();
    store?.close();
    await cards?.close();
    if (pcscd?.started) await stopPcscd();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the readers with their ATRs and card types, and the module with its C_GetInfo, tokens and certificates', async () => {
    const diagnostics = setupDiagnostics({
      info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: 'real' },
      card: host,
      store,
      appLog,
      listener: () => ({ state: 'listening', port: 24761 }),
      clock: () => LAB_VALID_AT.getTime(),
    });
    const report: DiagnosticReport = await diagnostics.report();
    const card = report.card!;
    expect(card.pcsc).toEqual({ enabled: true, reachable: true, error: null });
    expect(card.readers.map((r) => [r.name, r.atr, r.family, r.recognised])).toEqual([
      [R0, pki.cards['Z-huisarts']!.atr, 'uzi', 'UZI-pas Z'],
      [R1, pki.cards['N-medewerker']!.atr, 'uzi', 'UZI-pas N'],
    ]);
    const [module] = card.modules;
    expect(module).toMatchObject({ role: 'uzi', configured: OPENSC_PKCS11, resolved: OPENSC_PKCS11, loaded: true, error: null });
    expect(module!.info!.manufacturer).toMatch(/OpenSC/);
    expect(module!.info!.libraryVersion).toMatch(/^0\.\d+$/);
    const tokens = module!.info!.slots.flatMap((s) => (s.token ? [s.token] : []));
    expect(tokens).toHaveLength(2);
    for (const t of tokens) {
      expect(t.pin).toBe('ok');
      expect(t.flags).toContain('TOKEN_INITIALIZED');
      const auth = t.certificates.find((c) => c.usage === 'authentication')!;
      expect(auth).toMatchObject({ keyType: 'RSA', keyBits: 2048, issuer: expect.stringMatching(/^TEST UZI-register .* CA G3$/) });
      expect(auth.notBefore < auth.notAfter).toBe(true);
    }
    expect(report.errors).toEqual([expect.objectContaining({ code: 'ERR_PIN_INCORRECT', area: 'card' })]);
    expect(report.audit).toEqual({ verified: true, records: 0, problem: null });
    expect(report.settings).toContainEqual({ key: 'pkcs11ModulePath', value: OPENSC_PKCS11, source: 'user' });
    expect(report.settings).toContainEqual({ key: 'language', value: 'nl', source: 'default' });
    // The host's own start went into the log.
    expect(appLog.tail(50).some((l) => / host HOST_STARTED /.test(l))).toBe(true);

    const text = reportText(report);
    for (const want of [R0, R1, pki.cards['Z-huisarts']!.atr, 'UZI-pas Z', 'UZI-pas N', 'C_GetInfo: OpenSC', 'chain verifies', 'ERR_PIN_INCORRECT']) expect(text).toContain(want);
    expectNoHolderData(text, forbidden);
    expectNoHolderData(JSON.stringify(report), forbidden);
  }, 60_000);

  it('npm run diagnose prints the same report as text and as JSON, without holder data', async () => {
    const run = (extra: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main/cli/diagnose.ts', '--data-dir', dataDir, ...extra], {
        cwd: repoRoot,
        env: { ...process.env, ...openscLabEnv() },
        timeout: 60_000,
      });
    const text = (await run([])).stdout;
    for (const want of [R0, R1, pki.cards['N-medewerker']!.atr, 'UZI-pas Z', 'UZI-pas N', `configured: ${OPENSC_PKCS11}`, 'C_GetInfo: OpenSC', 'Electron n/a']) expect(text).toContain(want);
    expectNoHolderData(text, forbidden);
    const json = (await run(['--json'])).stdout;
    const report = JSON.parse(json) as DiagnosticReport;
    expect(report.card!.readers.map((r) => r.recognised)).toEqual(['UZI-pas Z', 'UZI-pas N']);
    expect(report.card!.modules[0]!.info!.slots.filter((s) => s.token)).toHaveLength(2);
    expect(report.app.versions).toMatchObject({ electron: 'n/a', chromium: 'n/a', node: process.versions.node });
    expectNoHolderData(json, forbidden);
  }, 120_000);

  it('shows the PIN state from the token flags: final try, then locked', async () => {
    const diagnostics = setupDiagnostics({
      info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: 'real' },
      card: host,
      store,
      appLog,
      listener: () => ({ state: 'stopped', port: 24761, error: null }),
      clock: () => LAB_VALID_AT.getTime(),
    });
    const pinOf = async (): Promise<string | undefined> => {
      const r = await diagnostics.report();
      return r.card!.modules[0]!.info!.slots.find((s) => s.description === R1)?.token?.pin;
    };
    for (const [pinTries, want] of [[1, 'final-try'], [0, 'locked']] as const) {
      await cards.remove({ reader: 1 });
      await cards.insert(IN_READERS[R1], { reader: 1, pinTries });
      await readWhenReady(host, R1).catch(() => undefined);
      expect(await pinOf()).toBe(want);
    }
  }, 60_000);
});
