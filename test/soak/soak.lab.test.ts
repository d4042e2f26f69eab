// Soak (issue 15 item 4): card insert → read → PIN + sign (a login) → remove, over and over, through
// the whole card core (supervisor → card host → pcsclite/pcscd/vpcd and OpenSC). After a warm-up:
//  - every insert and every removal is reported exactly once (no event lost or doubled);
//  - the card host's and this (main) process's resident memory grow by less than 5 MB;
//  - no file descriptor leaks in the card host or in pcscd (PC/SC contexts and card handles, and the
//    PKCS#11 sessions OpenSC holds on them, are pcscd connections).
// SOAK_CYCLES sets the cycles (default 10 in npm test; `npm run soak -- --cycles 200`).
import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createVerify, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent } from '../../src/shared/domain';
import { createCardHost, type CardHost } from '../../src/main/core/host/supervisor';
import { LAB_PIN, startCardLab, type CardLab } from '../card-lab/controller';
import { openscLabEnv } from '../card-lab/opensc-conf';
import { ensurePcscd, OPENSC_PKCS11, requireLab, stopPcscd, type PcscdHandle } from '../card-lab/pcscd';
import { LAB_VALID_AT, type CardLabPki } from '../card-lab/pki';
import { readWhenReady } from '../card-lab/read-when-ready';

const lab = requireLab();
const CYCLES = Number(process.env.SOAK_CYCLES ?? 10);
// RSS settles after about six cycles (JIT, heap sizing; then a GC gives some back): measured from there.
const WARM_UP = 6;
const R0 = 'Virtual PCD 00 00';
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// This process (the app's main side: supervisor and its listeners) is measured as live heap after a
// full GC: its RSS follows the test runner's heap sizing, not what the product keeps. The card host is
// another process: its RSS it is.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const rss = (pid: number | 'self') => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const fds = (pid: number | 'self') => readdirSync(`/proc/${pid}/fd`).length;
function pcscdPid(): number {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'pcscd') return Number(p);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('pcscd not running');
}

describe.skipIf(lab.skip)(lab.title(`soak: ${CYCLES} insert → login → remove cycles (card host, pcscd + vpcd + OpenSC)`), () => {
  let pcscd: PcscdHandle;
  let cards: CardLab;
  let pki: CardLabPki;
  let host: CardHost;
  // Counted, not kept: the test must not be what grows.
  const seen = { inserted: 0, removed: 0 };

  const until = async (pred: () => boolean, what: string, timeoutMs = 8000) => {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await sleep(20);
    }
  };
  const count = (type: 'inserted' | 'removed') => seen[type];

  beforeAll(async () => {
    pcscd = await ensurePcscd();
    const { loadCardLab } = await import('../card-lab/pki');
    pki = await loadCardLab();
    cards = await startCardLab({ pki });
    host = createCardHost({ modulePath: OPENSC_PKCS11, env: openscLabEnv(), clock: () => LAB_VALID_AT.getTime() });
    host.subscribe((e: CardEvent) => {
      if ((e.type === 'inserted' || e.type === 'removed') && e.reader === R0) seen[e.type] += 1;
    });
    await host.whenReady();
  });

  afterAll(async () => {
    await host?.close();
    await cards?.close();
    if (pcscd?.started) await stopPcscd();
  });

  it('loses or doubles no event, leaks no memory and no descriptors', async () => {
    const key = new X509Certificate(pki.cards['Z-huisarts'].auth!.certDer).publicKey;
    const samples: Array<{ host: number; main: number; hostFds: number; pcscdFds: number }> = [];
    const pid = host.hostPid()!;
    const daemon = pcscdPid();
    for (let i = 0; i < WARM_UP + CYCLES; i++) {
      const inserted = count('inserted');
      const removed = count('removed');
      await cards.insert('Z-huisarts', { reader: 0 });
      await until(() => count('inserted') === inserted + 1, `insert ${i + 1} reported`);
      const reading = await readWhenReady(host, R0);
      expect(reading.authCertificateId).toBe('01');
      const data = Buffer.from(`login ${i}`);
      const sig = await host.sign({ reader: R0, certificateId: '01', mechanism: 'SHA256_RSA_PKCS', data, pin: Buffer.from(LAB_PIN) });
      expect(createVerify('sha256').update(data).verify(key, sig)).toBe(true);
      await cards.remove({ reader: 0 });
      await until(() => count('removed') === removed + 1, `removal ${i + 1} reported`);
      // Exactly one of each: nothing doubled by the time the next cycle starts.
      await sleep(100);
      expect([count('inserted'), count('removed')]).toEqual([inserted + 1, removed + 1]);
      expect(host.hostPid(), 'the card host never restarted').toBe(pid);
      if (i >= WARM_UP - 1) samples.push({ host: rss(pid), main: liveHeap(), hostFds: fds(pid), pcscdFds: fds(daemon) });
    }
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const growth = { hostMB: (last.host - first.host) / MB, mainMB: (last.main - first.main) / MB };
    if (process.env.SOAK_TRACE) console.log(`SOAK trace host MB: ${samples.map((x) => (x.host / MB).toFixed(1)).join(' ')}`);
    console.log(`SOAK ${CYCLES} cycles: card host RSS ${(first.host / MB).toFixed(1)} → ${(last.host / MB).toFixed(1)} MB, main heap ${(first.main / MB).toFixed(1)} → ${(last.main / MB).toFixed(1)} MB, fds host ${first.hostFds} → ${last.hostFds}, pcscd ${first.pcscdFds} → ${last.pcscdFds}`);
    expect(growth.hostMB).toBeLessThan(5);
    expect(growth.mainMB).toBeLessThan(5);
    expect(last.hostFds).toBeLessThanOrEqual(first.hostFds);
    expect(last.pcscdFds).toBeLessThanOrEqual(first.pcscdFds);
  }, 120_000 + CYCLES * 8_000);
});
