// The workstation login's round trip on the card lab's virtual card, without the person: from the
// browser's navigation to the app's loopback listener until the portal has accepted the token — the
// back-channel GET, the card read through pcscd + OpenSC in the supervised card host, C_Login + C_Sign
// on the virtual PIV card, and the token's validation by the reference portal. The screens answer at
// once (PIN "typed" in 0 ms), so the figure is what the machine adds to a login.
// Call: `await benchHandoff()` (from bench/run.ts) — prints BENCH lines, returns the numbers; run under
// `flock /tmp/zorgid-lab.lock` (the vpcd readers are shared).
import { randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPortal } from '../portal/server';
import { runHandoff, type HandoffResult, type HandoffScreens } from '../src/main/core/handoff/handoff-flow';
import { startLoopbackListener } from '../src/main/core/handoff/loopback-listener';
import { createPortalClient } from '../src/main/core/handoff/portal-client';
import { createCardHost } from '../src/main/core/host/supervisor';
import { LAB_PIN, startCardLab } from '../test/card-lab/controller';
import { openscLabEnv } from '../test/card-lab/opensc-conf';
import { OPENSC_PKCS11, ensurePcscd, labAvailability } from '../test/card-lab/pcscd';
import { labCrls, labTrust, loadLab } from '../test/card-lab/lab-tokens';
import { bench, median, percentile } from './stats';

export interface HandoffBench {
  rounds: number;
  p50: number;
  p90: number;
  /** Card already in when the card host starts; the handoff starts SETTLE_MS after the host shows it present. */
  firstAfterStart: number;
  /** The handoff starts SETTLE_MS after a freshly inserted card shows present. */
  firstAfterInsert: number;
  /** The handoff starts the moment a freshly inserted card shows present (median of AT_ONCE_ROUNDS). */
  firstAfterInsertAtOnce: number;
  /** Its floor: a plain process from pcsclite's present to the signature (bench/raw-insert-sign.ts). */
  atInsertFloor: number;
  /** Raw graphene open-session + login + sign + logout + close on the same card through OpenSC. */
  floorP50: number;
}

/** A top-level navigation as a browser sends it (fetch() would add Sec-Fetch-Mode: cors). */
function navigate(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'cross-site' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

const SETTLE_MS = 2500;
const AT_ONCE_ROUNDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One raw login at insert: the process starts with the reader empty, then the card goes in. */
async function rawAtInsert(lab: Awaited<ReturnType<typeof startCardLab>>, reader: string, keyId: string): Promise<{ ms: number; tokenMs: number }> {
  await lab.remove({ reader: 0 });
  // Node itself with tsx's loader, not npx: a kill then reaches the process that waits on the card.
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./raw-insert-sign.ts', import.meta.url).pathname, OPENSC_PKCS11, reader, LAB_PIN, keyId], {
    env: { ...process.env, ...openscLabEnv() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done || first.value !== 'ready') throw new Error(`raw-insert-sign did not start: ${String(first.value)}`);
    await lab.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
    const answer = await lines.next();
    if (answer.done) throw new Error('raw-insert-sign ended without a result');
    return JSON.parse(answer.value) as { ms: number; tokenMs: number };
  } catch (err) {
    // Not left waiting for an insert that will not come.
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export async function benchHandoff(options: { rounds?: number } = {}): Promise<HandoffBench | null> {
  const lab0 = labAvailability();
  if (!lab0.ok) {
    console.log(`# handoff round trip skipped: ${lab0.reason}`);
    return null;
  }
  const rounds = options.rounds ?? 10;
  await ensurePcscd();
  const pki = await loadLab();
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-bench-handoff-'));
  const lab = await startCardLab();
  // The card is in before the app starts (the morning's first login).
  await lab.insert('Z-huisarts', { reader: 0 });
  const card = createCardHost({ modulePath: OPENSC_PKCS11, env: openscLabEnv() as Record<string, string> });
  const reader = lab.readerName(0);
  const portalBox: { origin: string } = { origin: '' };
  const client = createPortalClient({ allowlist: () => [portalBox.origin] });
  let finished: ((r: HandoffResult) => void) | null = null;
  const screens: HandoffScreens = {
    confirmRequest: async () => ({ reader }),
    askPin: async () => Buffer.from(LAB_PIN, 'latin1'),
    finished: () => {},
  };
  const listener = await startLoopbackListener({
    port: 0,
    clock: Date.now,
    rng: (n) => new Uint8Array(randomBytes(n)),
    allowlist: () => [portalBox.origin],
    portal: client,
    onHandoff: async (flow) => {
      const result = await runHandoff({ card, screens, portal: client, audit: () => {}, appVersion: 'bench' }, flow);
      finished?.(result);
      return result;
    },
  });
  const portal = await createPortal({
    dbPath: join(dir, 'portal.sqlite'),
    appUrl: `http://127.0.0.1:${listener.port}`,
    trust: { ...labTrust(pki), crls: labCrls(pki) },
  });
  portalBox.origin = portal.origin;

  const untilPresent = async (present: boolean) => {
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
      if ((await card.readers()).some((r) => r.name === reader && r.present === present)) return;
    }
    throw new Error(`reader never showed the card ${present ? 'present' : 'gone'}`);
  };
  const once = async (): Promise<number> => {
    // What the portal page does on "Inloggen met UZI-pas": create the request (not timed).
    const created = await fetch(`${portal.url}/api/handoff`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: portal.origin },
      body: JSON.stringify({ purpose: 'login' }),
    });
    const { appUrl } = (await created.json()) as { appUrl: string };
    const done = new Promise<HandoffResult>((resolve) => (finished = resolve));
    const t0 = performance.now();
    const status = await navigate(appUrl);
    if (status !== 303) throw new Error(`loopback answered ${status}`);
    const result = await done;
    const ms = performance.now() - t0;
    if (result.outcome !== 'done') throw new Error(`handoff ${result.outcome}${result.outcome === 'failed' ? ` ${result.code}` : ''}`);
    return ms;
  };

  const step = (what: string) => process.env.BENCH_DEBUG && console.log(`# handoff bench: ${what}`);
  try {
    await card.whenReady();
    step('host ready');
    await untilPresent(true);
    step('card present');
    // The person clicks "Inloggen" a moment after the app shows the card: the warm read has run.
    await sleep(SETTLE_MS);
    const firstAfterStart = await once();
    step(`first after start ${firstAfterStart}`);
    const times: number[] = [];
    for (let i = 1; i < rounds; i++) times.push(await once());
    const reinsert = async () => {
      await lab.remove({ reader: 0 });
      await untilPresent(false);
      await lab.insert('Z-huisarts', { reader: 0, waitForPcscd: false });
      await untilPresent(true);
    };
    await reinsert();
    await sleep(SETTLE_MS);
    const firstAfterInsert = await once();
    // Worst case: the handoff arrives the moment the card shows present, while OpenSC still detects
    // it (1.4–1.7 s, build-notes.md) and the warm read waits for the token.
    const atOnce: number[] = [];
    for (let i = 0; i < AT_ONCE_ROUNDS; i++) {
      await reinsert();
      atOnce.push(await once());
    }
    const firstAfterInsertAtOnce = median(atOnce);
    step(`after insert ${firstAfterInsert} / at once ${atOnce.map((t) => t.toFixed(0)).join(' ')}`);
    // The floor, on the same card with our host gone (two OpenSC processes on one card wait on each
    // other): a plain process through OpenSC, no host, no HTTP; its first signature is not counted.
    await card.close();
    // Async: the virtual card's applet answers from this process's event loop.
    const { stdout: rawOut } = await promisify(execFile)('npx', ['tsx', new URL('./raw-sign.ts', import.meta.url).pathname, OPENSC_PKCS11, `reader=${reader}`, LAB_PIN, pki.cards['Z-huisarts'].auth!.id, '16'], {
      env: { ...process.env, ...openscLabEnv() },
      encoding: 'utf8',
      timeout: 60_000,
    });
    step('floor measured');
    const floorTimes = (JSON.parse(rawOut) as { times: number[] }).times.slice(1);
    console.log(`# handoff floor: ${floorTimes.map((t) => t.toFixed(0)).join(' ')} ms`);
    const atInsert: Array<{ ms: number; tokenMs: number }> = [];
    for (let i = 0; i < AT_ONCE_ROUNDS; i++) atInsert.push(await rawAtInsert(lab, reader, pki.cards['Z-huisarts'].auth!.id));
    console.log(`# handoff at insert: ours ${atOnce.map((t) => t.toFixed(0)).join(' ')} ms; raw ${atInsert.map((r) => `${r.ms.toFixed(0)} (token listed at ${r.tokenMs.toFixed(0)})`).join(', ')} ms`);
    const atInsertFloor = median(atInsert.map((r) => r.ms));
    const out: HandoffBench = {
      rounds,
      p50: median(times),
      p90: percentile(times, 90),
      firstAfterStart,
      firstAfterInsert,
      firstAfterInsertAtOnce,
      atInsertFloor,
      floorP50: median(floorTimes),
    };
    bench('handoff-raw-login-sign-p50', out.floorP50, 'ms', 0);
    bench('handoff-roundtrip-p50', out.p50, 'ms', 0, out.floorP50);
    bench('handoff-roundtrip-p90', out.p90, 'ms', 0, out.floorP50);
    bench('handoff-roundtrip-p50-over-floor', out.p50 - out.floorP50, 'ms', 0);
    bench('handoff-first-after-start', out.firstAfterStart, 'ms', 0, out.floorP50);
    bench('handoff-first-after-insert', out.firstAfterInsert, 'ms', 0, out.floorP50);
    bench('handoff-raw-at-insert-p50', out.atInsertFloor, 'ms', 0);
    bench('handoff-first-after-insert-at-once', out.firstAfterInsertAtOnce, 'ms', 0, out.atInsertFloor);
    return out;
  } finally {
    await listener.close();
    await portal.close();
    await card.close();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/handoff.ts [rounds]` runs it on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  await benchHandoff({ rounds: Number(process.argv[2] ?? 10) });
}
