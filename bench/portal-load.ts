// The reference portal under load (issue 16): token validations per second from a second process on
// loopback (autocannon, 10 connections), each token answering its own login request once, against the
// validator's single-thread rate measured in the same run (bench/run.ts). The portal runs in this
// process, so the figure is one core's worth; the target is ≥ 0.8× that rate with p99 ≤ 25 ms.
// A second floor is HTTP itself: a bare node:http server taking the same posts from the same client
// and answering at once. Validation and HTTP both cost a token, so the portal is also shown against
// the rate of the two together (1 / (1/http + 1/validator)): the closest any portal in Node can come.
// The client shares the machine's cores, so the portal's own cost is also given apart: its event loop's
// busy time per token, against the bare server's per request plus one validation.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPortal } from '../portal/server';
import { labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../test/card-lab/lab-tokens';
import { bench } from './stats';

const OPEN = { perClient: { capacity: 1_000_000, perMinute: 6_000_000 }, global: { capacity: 1_000_000, perMinute: 6_000_000 } };

export async function benchPortalLoad({ validatorMsPerToken, tokens = 3000 }: { validatorMsPerToken: number; tokens?: number }): Promise<void> {
  const pki = await loadLab();
  const dir = mkdtempSync(join(tmpdir(), 'zorgid-bench-load-'));
  const portal = await createPortal({
    dbPath: join(dir, 'portal.sqlite'),
    trust: { ...labTrust(pki), crls: labCrls(pki) },
    rateLimits: { session: OPEN, handoff: OPEN, 'back-channel': OPEN },
  });
  try {
    // Requests and their tokens first, outside the measured part.
    const requests: Array<{ path: string; body: string }> = [];
    for (let i = 0; i < tokens; i++) {
      const res = await fetch(`${portal.url}/api/handoff`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: portal.origin },
        body: JSON.stringify({ purpose: 'login' }),
      });
      const req = (await res.json()) as { id: string; challenge: string; origin: string; purpose: 'login' };
      requests.push({ path: `/api/handoff/${req.id}/token`, body: JSON.stringify(signLabToken({ pki, card: 'Z-huisarts', request: req, browserCode: newBrowserCode() })) });
    }
    // One token first: caches (CRLs, chain) warm, as on a portal that has been up a while.
    const first = requests.shift()!;
    const warm = await fetch(`${portal.url}${first.path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: first.body });
    if (!warm.ok) throw new Error(`portal refused the warm-up token: ${warm.status} ${await warm.text()}`);
    const r = await busyWhile(() => loadFrom(dir, portal.url, requests));
    if (r.non2xx > 0 || r.errors > 0) console.log(`# portal-load: ${r.non2xx} non-2xx answers, ${r.errors} errors of ${r.requests}`);
    const accepted = r.requests - r.non2xx - r.errors;
    const rate = (accepted / r.durationMs) * 1000;
    const http = await bareHttp(dir, requests);
    const singleThreadRate = 1000 / validatorMsPerToken;
    bench('portal-load-validator-single-thread', singleThreadRate, 'tokens/s', 0);
    bench('portal-load-validations', rate, 'tokens/s', 0, singleThreadRate);
    bench('portal-load-http-floor', http.rate, 'requests/s', 0);
    bench('portal-load-vs-http-and-validator', rate, 'tokens/s', 0, 1 / (1 / http.rate + 1 / singleThreadRate));
    // Per core: the portal's event loop time per token against the bare server's per request plus one
    // validation. The client shares this machine's cores, so this is the portal's own cost, apart from it.
    bench('portal-load-event-loop-per-token', r.busyMs / r.requests, 'ms', 3, http.busyMs / http.requests + validatorMsPerToken);
    bench('portal-load-p50', r.p50, 'ms', 1);
    bench('portal-load-p99', r.p99, 'ms', 1);
  } finally {
    await portal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface LoadResult {
  requests: number;
  durationMs: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** The client in its own process, 10 connections, each prepared post once. */
async function loadFrom(dir: string, url: string, requests: Array<{ path: string; body: string }>): Promise<LoadResult> {
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify({ url, connections: 10, requests }));
  // Async: the server answers from this process's event loop while the client runs.
  const client = new URL('./portal-load-client.mjs', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, [client, planFile], { encoding: 'utf8' });
  return JSON.parse(stdout) as LoadResult;
}

/** Runs the load and adds how long this process's event loop was busy meanwhile. */
async function busyWhile(load: () => Promise<LoadResult>): Promise<LoadResult & { busyMs: number }> {
  const before = performance.eventLoopUtilization();
  const r = await load();
  return { ...r, busyMs: performance.eventLoopUtilization(before).active };
}

/** HTTP alone: the same posts, read whole and parsed, answered with a fixed accepted body. */
async function bareHttp(dir: string, requests: Array<{ path: string; body: string }>): Promise<{ rate: number; busyMs: number; requests: number }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.setHeader('Content-Type', 'application/json');
      res.end('{"outcome":"accepted","sessionId":"AAAAAAAAAAAAAAAAAAAAAA"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const r = await busyWhile(() => loadFrom(dir, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests));
    return { rate: ((r.requests - r.non2xx - r.errors) / r.durationMs) * 1000, busyMs: r.busyMs, requests: r.requests };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
