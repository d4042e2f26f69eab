// The loopback listener cannot be starved (issue 15 item 3), over real TCP on 127.0.0.1: a local
// process holds hundreds of idle connections and dozens that send their headers a byte at a time, and a
// legitimate request still answers within its normal time; when the flood ends the listener is as
// before. (With Node's maxConnections, which refuses the newest connection, the request below is reset.)
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackListener, type LoopbackListener } from './loopback-listener';
import { createPortalClient } from './portal-client';

let listener: LoopbackListener;
const flood: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

beforeEach(async () => {
  listener = await startLoopbackListener({
    port: 0,
    fallbackPorts: [],
    clock: Date.now,
    rng: (n) => new Uint8Array(n),
    allowlist: () => [],
    portal: createPortalClient({ allowlist: () => [], timeoutMs: 500 }),
    onHandoff: () => undefined,
    headersTimeoutMs: 5_000,
    maxConnections: 64,
  });
});

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of flood.splice(0)) s.destroy();
  await listener.close();
});

/** A legitimate request as a browser makes it: the whole head at once. Resolves with status and time. */
function status(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: listener.port, path: '/status', headers: { Host: `127.0.0.1:${listener.port}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.setTimeout(4_000, () => req.destroy(new Error('no answer within 4 s')));
    req.on('error', reject);
    req.end();
  });
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: listener.port }, () => resolve(s));
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

async function idleFlood(n: number): Promise<void> {
  for (let i = 0; i < n; i++) flood.push(await open());
}

async function slowFlood(n: number): Promise<void> {
  const head = `GET /status HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
  for (let i = 0; i < n; i++) {
    const s = await open();
    flood.push(s);
    let at = 0;
    timers.push(setInterval(() => s.writable && at < head.length && s.write(head[at++]!), 50));
  }
}

describe('loopback listener under a connection flood', () => {
  it('answers a legitimate request in its normal time while 300 idle and 40 slow connections are held', async () => {
    const baseline = await status();
    expect(baseline.status).toBe(200);

    await idleFlood(300);
    await slowFlood(40);
    // The flood keeps coming: new idle connections while the browser asks.
    const more = idleFlood(100);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await status());
    await more;
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.ms).toBeLessThan(500);
    }
  }, 30_000);

  it('recovers by itself when the flood ends', async () => {
    await idleFlood(200);
    for (const s of flood.splice(0)) s.destroy();
    const after = await status();
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(500);
  }, 30_000);

  it('drops the idle connections, not the ones being answered', async () => {
    await idleFlood(64);
    const closed = new Set<Socket>();
    for (const s of flood) s.once('close', () => closed.add(s));
    await idleFlood(10);
    await new Promise((r) => setTimeout(r, 50));
    // The ten oldest went, the newest stayed.
    expect(closed.size).toBeGreaterThanOrEqual(10);
    expect([...closed].every((s) => flood.indexOf(s) < 20)).toBe(true);
    expect((await status()).status).toBe(200);
  }, 30_000);
});
