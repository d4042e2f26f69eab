// No PIN left in memory or on disk after ZORG-ID Smartcard creation and after a card host killed
// mid-sign (issue 15, item 5). The app side as smartcard-setup.ts runs it (audit entries into the
// app's SQLite store, log lines into a log file, in a temp user-data dir), the supervised card host
// with OpenSC + SoftHSM2 (its stdout/stderr captured into the same logs dir), pcscd + vpcd.
// The PINs are random 8-digit Buffers, never strings in this process (the UZI-pas's is a string in
// the virtual card, which lives here, so this process is only searched for the blank card's PIN).
// pin-scan.ts searches, in a child process, every file written and the writable memory of the card
// host and of this process (/proc/<pid>/mem through /proc/<pid>/maps; Linux, root or ptrace rights)
// for each PIN as ASCII, UTF-16LE and base64.
//
// Every memory copy fails the test. This test found PIN copies in both processes (13 regions of the
// card host, 4 of the app, after one creation): JS strings for pkcs11js's string-only C_Login/C_InitPIN/
// C_SetPIN, base64 text on the JSON IPC, small typed arrays on the V8 heap. Now the PIN crosses the IPC
// sealed (src/main/core/host/secret-seal.ts), lives in Buffers of their own memory (secret-bytes.ts)
// and reaches the middleware from its Buffer in place (native/pkcs11-pin). What the middleware itself
// leaves (OpenSC's APDU hex dump of the VERIFY, freed unzeroed: pin-scan.ts `middleware`) is reported.
import { execFileSync, fork } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import type { SmartcardTokenAccess } from '../../src/main/core/card/smartcard-token';
import { SMARTCARD_STEPS, createSmartcard, type SmartcardProgress } from '../../src/main/core/enrol/create-smartcard';
import { httpSmartcardPortal } from '../../src/main/core/enrol/smartcard-portal';
import { createCardHost, type CardHost, type HostLauncher } from '../../src/main/core/host/supervisor';
import { openAppStore, type AppStore, type AuditInput } from '../../src/main/core/store';
import type { Portal } from '../../portal/server';
import { startCardLab, type CardLab } from '../card-lab/controller';
import { OPENSC_LAB_CONF, openscLabEnv } from '../card-lab/opensc-conf';
import { OPENSC_PKCS11, VPCD_READERS, ensurePcscd, requireLab, stopPcscd, type PcscdHandle } from '../card-lab/pcscd';
import { LAB_VALID_AT, loadCardLab, type CardLabPki } from '../card-lab/pki';
import { readWhenReady } from '../card-lab/read-when-ready';
import { createSoftHsmSmartcards, type SoftHsmSmartcards } from '../card-lab/softhsm-smartcards';
import { startSmartcardPortal, tearDownSmartcardLab } from './smartcard-lab';
import { base64Bytes, mask, type ScanHit, type ScanResult } from './pin-scan';
import { secretBuffer, secretCopy } from '../../src/main/core/secret-bytes';

const lab = requireLab();
const [R0, R1] = VPCD_READERS;
const UZI = '900016528';
const INS_VERIFY = 0x20;
const TEST_RESTARTS = { max: 50, windowMs: 60_000, backoffMs: 50, maxBackoffMs: 200 };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A random 8-digit PIN, made as bytes (no string of it exists here), off the V8 heap (secret-bytes.ts). */
function randomPin(): Buffer {
  const pin = secretBuffer(8);
  for (let i = 0; i < pin.length; i++) pin[i] = 0x30 + randomInt(10);
  return pin;
}
/** The masked needles of one PIN: ASCII, UTF-16LE (a JS two-byte string or a wide-char copy), base64. */
function needlesOf(name: string, pin: Buffer): Record<string, string> {
  const utf16 = secretBuffer(pin.length * 2);
  pin.forEach((b, i) => (utf16[i * 2] = b));
  const b64 = base64Bytes(pin);
  const out = { [`${name} ascii`]: mask(pin), [`${name} utf16le`]: mask(utf16), [`${name} base64`]: mask(b64) };
  utf16.fill(0);
  b64.fill(0);
  return out;
}

function runScan(request: { pids: number[]; paths: string[]; needles: Record<string, string> }): ScanResult {
  const script = fileURLToPath(new URL('./pin-scan.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { input: JSON.stringify(request), maxBuffer: 16 << 20, cwd: dirname(script) });
  return JSON.parse(out.toString('utf8')) as ScanResult;
}

const show = (hits: ScanHit[]) => hits.map((h) => `${h.needle} ×${h.count} in ${h.where}`);

describe.skipIf(lab.skip)(lab.title('no PIN in memory or on disk after Smartcard creation and a card host kill mid-sign'), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;
  let pki: CardLabPki;
  let host: CardHost;
  let smartcards: SoftHsmSmartcards;
  let portal: Portal;
  let userData: string;
  let store: AppStore;
  let mainLog: WriteStream;
  let hostLog: WriteStream;
  const now = LAB_VALID_AT.getTime();
  // The UZI-pas PIN: the virtual card needs it as a string; masked needles are all this test keeps.
  const uziPinBytes = randomPin();
  const uziNeedles = needlesOf('uzi pin', uziPinBytes);
  const uziPinText = uziPinBytes.toString('latin1');
  uziPinBytes.fill(0);
  const cardNeedles: Record<string, string> = {};

  // The app's launcher (forkLauncher), with the card host's stdout and stderr into the logs dir.
  const loggingLauncher: HostLauncher = (entry, env) => {
    const child = fork(entry, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, serialization: 'json', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.on('error', () => undefined);
    child.stdout!.pipe(hostLog, { end: false });
    child.stderr!.pipe(hostLog, { end: false });
    return {
      pid: child.pid,
      transport: {
        postMessage: (m) => {
          if (child.connected) child.send(m as object, undefined, undefined, () => undefined);
        },
        onMessage: (l) => child.on('message', l),
      },
      kill: () => void child.kill('SIGKILL'),
      onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
    };
  };

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    pki = await loadCardLab();
    cards = await startCardLab({ pki });
    smartcards = await createSoftHsmSmartcards([...VPCD_READERS]);
    userData = mkdtempSync(join(tmpdir(), 'zorgid-pin-residue-'));
    mkdirSync(join(userData, 'logs'));
    mainLog = createWriteStream(join(userData, 'logs', 'main.log'), { flags: 'a' });
    hostLog = createWriteStream(join(userData, 'logs', 'card-host.log'), { flags: 'a' });
    store = openAppStore({ path: join(userData, 'zorgid.sqlite'), clock: () => now });
    host = createCardHost({
      modulePath: OPENSC_PKCS11,
      smartcardModulePath: smartcards.module,
      env: { ...openscLabEnv(), ...smartcards.env },
      clock: () => now,
      restart: TEST_RESTARTS,
      launch: loggingLauncher,
    });
    host.subscribe((e) => mainLog.write(`card event ${JSON.stringify(e).slice(0, 200)}\n`));
    await host.whenReady();
    portal = await startSmartcardPortal(pki, join(userData, 'portal.sqlite'), () => now);
    await cards.insert('Z-huisarts', { reader: 0, pin: uziPinText });
    await readWhenReady(host, R0, 45_000);
    await cards.insert('SC-blank', { reader: 1 });
    await sleep(500);
  }, 120_000);

  afterAll(async () => {
    await tearDownSmartcardLab({ cards, host, pcscd, stopPcscd, portal });
    store?.close();
    mainLog?.end();
    hostLog?.end();
    smartcards?.dispose();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  /**
   * One creation as smartcard-setup.ts runs it: every step's outcome audited, a log line at the end.
   * `killMidSign` SIGKILLs the card host when the UZI-pas is about to check the PIN (VERIFY on its way).
   */
  async function create(cardPin: Buffer, killMidSign = false): Promise<AppError | undefined> {
    const base = { flow: 'create-smartcard', purpose: 'create-smartcard', portal: portal.origin } as const;
    const audit = (e: AuditInput) => store.appendAudit(e);
    audit({ ...base, step: 'started', outcome: 'started', reader: R1 });
    if (killMidSign) {
      const applet = cards.card({ reader: 0 })!.applet;
      const transmit = applet.transmit.bind(applet);
      applet.transmit = async (raw: Buffer) => {
        if (raw[1] === INS_VERIFY && raw.length > 5) {
          applet.transmit = transmit;
          process.kill(host.hostPid()!, 'SIGKILL');
        }
        return transmit(raw);
      };
    }
    try {
      await createSmartcard(
        {
          blank: host.smartcardTokens() as SmartcardTokenAccess,
          uzi: host,
          portal: httpSmartcardPortal({ origin: portal.origin, allowlist: [portal.origin] }),
          pinAuthority: () => ({ kind: 'so', soPin: Buffer.from(smartcards.soPin) }),
          appVersion: 'lab-0.1.0',
        },
        {
          uziReader: R0,
          blankReader: R1,
          pin: cardPin,
          pinRepeat: secretCopy(cardPin),
          uziPin: async () => Buffer.from(uziPinText, 'latin1'),
        },
        (p: SmartcardProgress) => {
          if (p.status === 'done') audit({ ...base, step: p.step, outcome: 'ok' });
          else if (p.status === 'failed') audit({ ...base, step: p.step, outcome: 'failed', code: p.code });
        },
      );
      audit({ ...base, step: 'created', outcome: 'ok', reader: R1 });
      mainLog.write(`smartcard: created (${SMARTCARD_STEPS.length} steps)\n`);
      return undefined;
    } catch (e) {
      mainLog.write(`smartcard: ${e instanceof AppError ? e.code : 'failed'}\n`);
      return e as AppError;
    }
  }

  /** Every file the app, the card host and the lab's middleware wrote for this run. */
  const writtenFiles = () => [userData, dirname(smartcards.env.SOFTHSM2_CONF!), dirname(OPENSC_LAB_CONF), '/tmp/zorgid-pcscd.log'];

  async function scanAll(label: string): Promise<{ disk: ScanHit[]; main: ScanHit[]; host: ScanHit[]; result: ScanResult }> {
    await new Promise<void>((r) => mainLog.write('', () => r()));
    const hostPid = host.hostPid()!;
    const t0 = performance.now();
    const files = runScan({ pids: [], paths: writtenFiles(), needles: { ...uziNeedles, ...cardNeedles } });
    const hostMem = runScan({ pids: [hostPid], paths: [], needles: { ...uziNeedles, ...cardNeedles } });
    // This process holds the UZI-pas PIN in the virtual card: searched for the card PINs only.
    const mainMem = runScan({ pids: [process.pid], paths: [], needles: cardNeedles });
    // Control: the virtual card in this process holds the UZI-pas PIN, so the scan must find it here.
    if (process.platform === 'linux') {
      const control = runScan({ pids: [process.pid], paths: [], needles: { 'uzi pin ascii': uziNeedles['uzi pin ascii']! } });
      expect(control.hits.length, 'the memory scan finds a PIN that is there').toBeGreaterThan(0);
    }
    // pcscd carries the UZI-pas VERIFY APDU; not ours, so only reported.
    const pcscdPid = Number(execFileSync('pgrep', ['-x', 'pcscd']).toString().trim().split('\n')[0]);
    const pcscdMem = pcscdPid ? runScan({ pids: [pcscdPid], paths: [], needles: uziNeedles }) : undefined;
    const result: ScanResult = {
      hits: [...files.hits, ...hostMem.hits, ...mainMem.hits],
      middleware: [...hostMem.middleware, ...mainMem.middleware],
      memory: { ...hostMem.memory, ...mainMem.memory },
      files: files.files,
      memoryUnavailable: hostMem.memoryUnavailable ?? mainMem.memoryUnavailable,
    };
    const mb = (pid: number) => ((result.memory[pid]?.bytes ?? 0) / 2 ** 20).toFixed(0);
    console.log(
      `LAB PIN scan ${label}: ${files.files} files, card host ${hostPid} ${mb(hostPid)} MB, main ${process.pid} ${mb(process.pid)} MB in ${(performance.now() - t0).toFixed(0)} ms` +
        `${result.memoryUnavailable ? `; memory not readable: ${result.memoryUnavailable}` : ''}\n  disk: ${JSON.stringify(show(files.hits))}\n  card host: ${JSON.stringify(show(hostMem.hits))}\n  main: ${JSON.stringify(show(mainMem.hits))}\n  middleware's own (OpenSC APDU trace, reported only): ${JSON.stringify(show(result.middleware))}\n  pcscd (reported only): ${JSON.stringify(show(pcscdMem?.hits ?? []))}`,
    );
    return { disk: files.hits, main: mainMem.hits, host: hostMem.hits, result };
  }

  /** The memory was read (Linux), and no PIN copy of ours is in it. */
  function expectMemory(result: ScanResult, main: ScanHit[], inHost: ScanHit[]): void {
    if (process.platform !== 'linux') return;
    expect(result.memoryUnavailable).toBeUndefined();
    expect(result.memory[process.pid]?.bytes).toBeGreaterThan(10 << 20);
    expect(result.memory[host.hostPid()!]?.bytes).toBeGreaterThan(10 << 20);
    expect(show(main), 'PIN copies in the app').toEqual([]);
    expect(show(inHost), 'PIN copies in the card host').toEqual([]);
  }

  it('after a completed creation: no PIN in any file written, nor in the memory of the card host or the app', async () => {
    const pin = randomPin();
    Object.assign(cardNeedles, needlesOf('card pin 1', pin));
    expect(await create(pin)).toBeUndefined();
    expect(pin.every((b) => b === 0), 'createSmartcard zeroes the PIN it was given').toBe(true);
    expect(await portal.store.findLiveSmartcardByUzi(UZI)).toMatchObject({ status: 'active' });
    const { disk, main, host: inHost, result } = await scanAll('after a creation');
    expect(result.files).toBeGreaterThan(3);
    expect(disk).toEqual([]);
    expectMemory(result, main, inHost);
    expect(store.verifyAuditChain()).toMatchObject({ ok: true });
  }, 120_000);

  it('after the card host was killed mid-sign (UZI-pas VERIFY) in a creation: no PIN on disk or in the surviving processes, the audit chain verifies', async () => {
    // The Smartcard from the first case removed, the card blank again.
    const live = await portal.store.findLiveSmartcardByUzi(UZI);
    if (live) await portal.store.setSmartcardStatus(live.id, ['active'], 'removed', now);
    await cards.remove({ reader: 1 });
    await smartcards.renew(R1);
    await cards.insert('SC-blank', { reader: 1 });
    await sleep(500);
    const pin = randomPin();
    Object.assign(cardNeedles, needlesOf('card pin 2', pin));
    const killedPid = host.hostPid();
    const error = await create(pin, true);
    expect(error?.code).toBe('ERR_CARD_HOST_RESTARTED');
    expect(pin.every((b) => b === 0)).toBe(true);
    await host.whenReady();
    expect(host.hostPid()).not.toBe(killedPid);
    const { disk, main, host: inHost, result } = await scanAll('after a host kill mid-sign');
    expect(disk).toEqual([]);
    expectMemory(result, main, inHost);
    expect(store.verifyAuditChain()).toMatchObject({ ok: true });
    expect(store.listAudit({ limit: 3 }).some((r) => JSON.stringify(r).includes('ERR_CARD_HOST_RESTARTED'))).toBe(true);
  }, 120_000);
});
