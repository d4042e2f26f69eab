// The workstation login's round trip on the card lab's virtual card, without the person: from the
// browser's navigation to the app's loopback listener until the portal has accepted the token — the
// back-channel GET, the card read through pcscd + OpenSC in the supervised card host, C_Login + C_Sign
// on the virtual PIV card, and the token's validation by the reference portal. The screens answer at
// once (PIN "typed" in 0 ms), so the figure is what the machine adds to a login.
// Call: `await benchHandoff()` (from bench/run.ts) — prints BENCH lines, returns the numbers; run under
// `flock /tmp/zorgid-lab.lock` (the vpcd readers are shared).
import { randomBytes } from 'node:crypto';
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
  /** The first round also loads the PKCS#11 module's token view and warms the portal's caches. */
  first: number;
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

  try {
    await card.whenReady();
    await lab.insert('Z-huisarts', { reader: 0 });
    // insert() returns when pcscd asks for the ATR, a little before PC/SC reports the card present.
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      if ((await card.readers()).some((r) => r.name === reader && r.present)) break;
    }
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
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
      times.push(performance.now() - t0);
      if (result.outcome !== 'done') throw new Error(`handoff ${result.outcome}${result.outcome === 'failed' ? ` ${result.code}` : ''}`);
    }
    const warm = times.slice(1);
    const out: HandoffBench = { rounds, p50: median(warm), p90: percentile(warm, 90), first: times[0]! };
    bench('handoff-roundtrip-first', out.first, 'ms', 0);
    bench('handoff-roundtrip-p50', out.p50, 'ms', 0);
    bench('handoff-roundtrip-p90', out.p90, 'ms', 0);
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
