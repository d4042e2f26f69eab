// The loopback listener over real HTTP on 127.0.0.1, with a fake portal on another loopback port.
// Every attack here must end at the listener: refused, with a Dutch page, and without the portal's
// request being handed to the app.
import { request as httpRequest, createServer, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { ERROR_MESSAGES } from '../../../shared/error-messages';
import { toBase64Url, type HandoffPurpose } from '@zorgid/protocol';
import { openAppStore, type AppStore } from '../store/app-store';
import { hashRequestId } from '../store/audit-record';
import { startLoopbackListener, type HandoffFlow, type LoopbackListener, type LoopbackListenerOptions } from './loopback-listener';
import { createPortalClient } from './portal-client';
import { json, startFakePortal, testId, type FakePortal } from './test-portal.fixture';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
let now = T0;
const clock = () => now;
let rngCalls = 0;
// Deterministic: the n-th call returns bytes all equal to n.
const rng = (n: number) => new Uint8Array(n).fill(++rngCalls);

let portal: FakePortal;
let listener: LoopbackListener;
let flows: HandoffFlow[];
let allow: string[];
let dir: string;
let store: AppStore;
/** Every answer any test got, for the "never CORS" check at the end. */
const allAnswers: { what: string; headers: IncomingHttpHeaders }[] = [];

async function startListener(overrides: Partial<LoopbackListenerOptions> = {}): Promise<LoopbackListener> {
  return startLoopbackListener({
    port: 0,
    fallbackPorts: [],
    clock,
    rng,
    allowlist: () => allow,
    portal: createPortalClient({ allowlist: () => allow, timeoutMs: 500 }),
    onHandoff: (flow) => {
      flows.push(flow);
    },
    audit: (entry) => void store.appendAudit(entry),
    headersTimeoutMs: 1_000,
    ...overrides,
  });
}

beforeEach(async () => {
  now = T0;
  rngCalls = 0;
  flows = [];
  portal = await startFakePortal(clock);
  portal.answerRequests();
  allow = [portal.origin];
  dir = mkdtempSync(join(tmpdir(), 'zorgid-loopback-'));
  store = openAppStore({ path: join(dir, 'app.sqlite'), clock });
  listener = await startListener();
});

afterEach(async () => {
  await listener.close();
  await portal.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; host?: string; body?: string; to?: LoopbackListener } = {},
): Promise<Answer> {
  const target = opts.to ?? listener;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path,
        method: opts.method ?? 'GET',
        setHost: false,
        agent: false,
        headers: { Host: opts.host ?? `127.0.0.1:${target.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          allAnswers.push({ what: `${opts.method ?? 'GET'} ${path.slice(0, 60)}`, headers: res.headers });
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Writes raw bytes and collects whatever comes back until the listener closes the socket. */
function raw(text: string, opts: { dribbleMs?: number; giveUpMs?: number } = {}): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port: listener.port });
    let reply = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after ${opts.giveUpMs ?? 5_000} ms`));
    }, opts.giveUpMs ?? 5_000);
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      if (timer) clearInterval(timer);
      const headEnd = reply.indexOf('\r\n\r\n');
      if (headEnd > 0) allAnswers.push({ what: `raw ${text.slice(0, 40)}`, headers: parseRawHeaders(reply.slice(0, headEnd)) });
      resolve({ reply, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      if (!opts.dribbleMs) {
        socket.write(text);
        return;
      }
      let i = 0;
      timer = setInterval(() => {
        if (i < text.length && socket.writable) socket.write(text[i++]!);
      }, opts.dribbleMs);
    });
  });
}

function parseRawHeaders(head: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const line of head.split('\r\n').slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return out;
}

const handoffPath = (id: string, portalOrigin: string = portal.origin) =>
  `/handoff?portal=${encodeURIComponent(portalOrigin)}&request=${encodeURIComponent(id)}`;

function expectRefusalPage(a: Answer, status: number, code: string): void {
  expect(a.status, a.body).toBe(status);
  expect(a.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(a.body).toContain(`<html lang="nl">`);
  expect(a.body).toContain(code);
  expect(a.body).toContain(ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES].nl);
  expect(a.body).not.toMatch(/\bat .*\(.*:\d+:\d+\)|Error:|node:internal/);
  expect(a.headers.location).toBeUndefined();
}

const portalGets = () => portal.calls.filter((c) => c.method === 'GET' && c.url.startsWith('/api/handoff/')).length;

describe('loopback listener: the happy path', () => {
  it('answers a navigation with 303 to the portal’s wait page with a fresh browser code, and hands the flow over once', async () => {
    const id = testId(1);
    const a = await send(handoffPath(id), { headers: { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'cross-site' } });
    const bc = toBase64Url(new Uint8Array(16).fill(1));
    expect(a.status).toBe(303);
    expect(a.headers.location).toBe(`${portal.origin}/handoff/${id}/wait?bc=${bc}`);
    expect(a.headers['cache-control']).toBe('no-store');
    expect(a.headers['referrer-policy']).toBe('no-referrer');
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ portal: portal.origin, browserCode: bc, acceptedAt: T0, request: { id, purpose: 'login', origin: portal.origin } });
    expect(portalGets()).toBe(1);
    // The callback returned nothing: the flow is over, and the next one gets a different code.
    expect(listener.busy()).toBe(false);
    const b = await send(handoffPath(testId(2)));
    expect(b.status).toBe(303);
    expect(new URL(b.headers.location!).searchParams.get('bc')).not.toBe(bc);
  });

  it('writes one audit record per decision, with the request id hashed and no challenge', async () => {
    await send(handoffPath(testId(1)));
    await send(handoffPath(testId(1)));
    const log = store.listAudit().map((r) => r.record);
    expect(log).toEqual([
      expect.objectContaining({ flow: 'loopback', step: 'navigate', outcome: 'ok', portal: portal.origin, purpose: 'login', requestIdHash: hashRequestId(testId(1)) }),
      expect.objectContaining({ outcome: 'refused', code: 'ERR_HANDOFF_REQUEST_REUSED' }),
    ]);
    const text = JSON.stringify(store.listAudit());
    expect(text).not.toContain(testId(1));
    expect(text).not.toContain(toBase64Url(new Uint8Array(32).fill(7)));
    expect(store.verifyAuditChain()).toMatchObject({ ok: true, count: 2 });
  });

  it('answers /status with only the app name and protocol (no version, not whether it is busy)', async () => {
    const a = await send('/status');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ app: 'zorgid-desktop', protocol: 'zorgid-handoff/1' });
  });
});

describe('loopback listener: attacks that must not get past it', () => {
  it.each([
    ['a rebinding name', 'evil.example:PORT'],
    ['localhost', 'localhost:PORT'],
    ['the address without the port', '127.0.0.1'],
    ['another port', '127.0.0.1:1'],
    ['IPv6 loopback', '[::1]:PORT'],
  ])('refuses a foreign Host header (DNS rebinding): %s', async (_name, host) => {
    const a = await send(handoffPath(testId(1)), { host: host.replace('PORT', String(listener.port)) });
    expectRefusalPage(a, 403, 'ERR_HANDOFF_HOST_FORBIDDEN');
    expect(portalGets()).toBe(0);
    expect(flows).toHaveLength(0);
  });

  it('refuses a request without a Host header', async () => {
    const { reply } = await raw(`GET ${handoffPath(testId(1))} HTTP/1.1\r\nConnection: close\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 403 /);
    expect(reply).toContain('ERR_HANDOFF_HOST_FORBIDDEN');
    const old = await raw(`GET ${handoffPath(testId(1))} HTTP/1.0\r\n\r\n`);
    expect(old.reply).toMatch(/^HTTP\/1\.1 403 /);
    expect(flows).toHaveLength(0);
  });

  it('refuses a portal that is not on the allowlist without contacting it', async () => {
    const a = await send(handoffPath(testId(1), 'https://evil.example'));
    expectRefusalPage(a, 403, 'ERR_HANDOFF_PORTAL_NOT_ALLOWED');
    allow = ['https://portaal.example'];
    const b = await send(handoffPath(testId(1)));
    expectRefusalPage(b, 403, 'ERR_HANDOFF_PORTAL_NOT_ALLOWED');
    expect(portal.calls).toHaveLength(0);
    expect(flows).toHaveLength(0);
  });

  it('refuses a second flow while one is in flight (409), and takes a new one once it is finished', async () => {
    let finish!: () => void;
    await listener.close();
    listener = await startListener({
      onHandoff: (flow) => {
        flows.push(flow);
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    expect((await send(handoffPath(testId(1)))).status).toBe(303);
    expect(listener.busy()).toBe(true);
    expectRefusalPage(await send(handoffPath(testId(2))), 409, 'ERR_HANDOFF_BUSY');
    finish();
    await new Promise((r) => setImmediate(r));
    expect(listener.busy()).toBe(false);
    expect((await send(handoffPath(testId(3)))).status).toBe(303);
    expect(flows.map((f) => f.request.id)).toEqual([testId(1), testId(3)]);
  });

  it('lets only one of two simultaneous navigations through while the portal is still being asked', async () => {
    portal.handler = (req, res) => setTimeout(() => json(res, 200, portal.requestFor(decodeURIComponent(req.url!.split('/').pop()!))), 150);
    const [a, b] = await Promise.all([send(handoffPath(testId(1))), send(handoffPath(testId(2)))]);
    expect([a.status, b.status].sort()).toEqual([303, 409]);
    expect(flows).toHaveLength(1);
  });

  it('frees a flow the app never finished once its request has expired', async () => {
    await listener.close();
    listener = await startListener({
      onHandoff: (flow) => {
        flows.push(flow);
        return new Promise<void>(() => {});
      },
    });
    expect((await send(handoffPath(testId(1)))).status).toBe(303);
    expectRefusalPage(await send(handoffPath(testId(2))), 409, 'ERR_HANDOFF_BUSY');
    now += 5 * 60_000 + 1;
    expect((await send(handoffPath(testId(3)))).status).toBe(303);
  });

  it('refuses request headers over 8 KiB (431) without handing anything over', async () => {
    const a = await raw(
      `GET ${handoffPath(testId(1))} HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\nX-Pad: ${'a'.repeat(9 * 1024)}\r\n\r\n`,
    );
    expect(a.reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(a.reply).toContain('ERR_HANDOFF_REQUEST_TOO_LARGE');
    expect(flows).toHaveLength(0);
  });

  it('refuses a request line (URL) over 8 KiB (431)', async () => {
    const a = await raw(`GET ${handoffPath(testId(1))}&x=${'b'.repeat(9 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\n\r\n`);
    expect(a.reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(portalGets()).toBe(0);
  });

  it('closes a slowloris connection (headers sent byte by byte) once the header timeout has passed', async () => {
    const started = Date.now();
    const a = await raw(`GET ${handoffPath(testId(1))} HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\nX-Slow: ${'s'.repeat(400)}\r\n\r\n`, {
      dribbleMs: 20,
      giveUpMs: 6_000,
    });
    // Dribbling all of it would take > 10 s; the listener (1 s header timeout here) cuts it off long before.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(a.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(a.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(a.reply).toContain('ERR_HANDOFF_REQUEST_TIMEOUT');
    expect(flows).toHaveLength(0);
  });

  it.each(['/', '/handoff/', '/HANDOFF', '/handoff/x', '/status/x', '/favicon.ico', '/api/handoff', '//evil.example/handoff'])(
    'answers an unknown path with 404: %s',
    async (path) => {
      expectRefusalPage(await send(path), 404, 'ERR_HANDOFF_PATH_UNKNOWN');
    },
  );

  it('answers an absolute-form request target with 404', async () => {
    expectRefusalPage(await send(`http://evil.example${handoffPath(testId(1))}`), 404, 'ERR_HANDOFF_PATH_UNKNOWN');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with 405 and Allow: GET', async (method) => {
    const a = await send(handoffPath(testId(1)), { method });
    expectRefusalPage(a, 405, 'ERR_HANDOFF_METHOD_NOT_ALLOWED');
    expect(a.headers.allow).toBe('GET');
    expect(flows).toHaveLength(0);
  });

  it('answers HEAD with 405 too: a prefetch or link checker must not start a flow', async () => {
    const a = await send(handoffPath(testId(1)), { method: 'HEAD' });
    expect(a.status).toBe(405);
    expect(a.headers.allow).toBe('GET');
    expect(portalGets()).toBe(0);
  });

  it('answers a CORS preflight with 405 and no Access-Control-* header', async () => {
    const a = await send(handoffPath(testId(1)), {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET', 'Sec-Fetch-Mode': 'cors' },
    });
    expect(a.status).toBe(405);
    expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('refuses a request id it has already handed to the app', async () => {
    expect((await send(handoffPath(testId(1)))).status).toBe(303);
    expectRefusalPage(await send(handoffPath(testId(1))), 409, 'ERR_HANDOFF_REQUEST_REUSED');
    expect(flows).toHaveLength(1);
    expect(portalGets()).toBe(1);
  });

  it('refuses another portal’s request (the portal vouches for a request bound to another origin)', async () => {
    portal.answerRequests({ origin: 'https://other-portal.example' });
    expectRefusalPage(await send(handoffPath(testId(1))), 403, 'ERR_HANDOFF_REQUEST_MISMATCH');
    expect(flows).toHaveLength(0);
  });

  it('refuses a request whose return address is on another origin', async () => {
    portal.answerRequests({ returnUrl: `https://evil.example/handoff/${testId(1)}/done` });
    expectRefusalPage(await send(handoffPath(testId(1))), 403, 'ERR_HANDOFF_REQUEST_MISMATCH');
  });

  it('refuses when the portal answers with a different request id', async () => {
    portal.handler = (_req, res) => json(res, 200, portal.requestFor(testId(9)));
    expectRefusalPage(await send(handoffPath(testId(1))), 403, 'ERR_HANDOFF_REQUEST_MISMATCH');
  });

  it('refuses an expired request', async () => {
    portal.answerRequests({ expiresAt: new Date(T0 - 1).toISOString() });
    expectRefusalPage(await send(handoffPath(testId(1))), 410, 'ERR_HANDOFF_REQUEST_EXPIRED');
    portal.answerRequests({ expiresAt: new Date(T0).toISOString() });
    expectRefusalPage(await send(handoffPath(testId(2))), 410, 'ERR_HANDOFF_REQUEST_EXPIRED');
    expect(flows).toHaveLength(0);
  });

  it('refuses a purpose this app does not carry out', async () => {
    await listener.close();
    listener = await startListener({ purposes: ['login'] satisfies HandoffPurpose[] });
    portal.answerRequests({ purpose: 'create-smartcard' });
    expectRefusalPage(await send(handoffPath(testId(1))), 403, 'ERR_HANDOFF_PURPOSE_MISMATCH');
    expect(flows).toHaveLength(0);
  });

  it('refuses organisation validation without the URA it is about', async () => {
    portal.answerRequests({ purpose: 'validate-organisation' });
    expectRefusalPage(await send(handoffPath(testId(1))), 403, 'ERR_HANDOFF_PURPOSE_MISMATCH');
    portal.answerRequests({ purpose: 'validate-organisation', ura: '90000382' });
    expect((await send(handoffPath(testId(2)))).status).toBe(303);
  });

  it.each([
    ['an <img>', { 'Sec-Fetch-Dest': 'image', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Site': 'cross-site' }],
    ['an iframe', { 'Sec-Fetch-Dest': 'iframe', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'cross-site' }],
    ['fetch() (cors)', { 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' }],
    ['fetch() (no-cors)', { 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Site': 'cross-site' }],
    ['a script tag', { 'Sec-Fetch-Dest': 'script', 'Sec-Fetch-Mode': 'no-cors' }],
    ['only the mode (cors)', { 'Sec-Fetch-Mode': 'cors' }],
    ['only the destination (image)', { 'Sec-Fetch-Dest': 'image' }],
    ['a page served by the listener itself', { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'same-origin' }],
  ])('refuses a request made by %s instead of a navigation (403)', async (_name, headers) => {
    expectRefusalPage(await send(handoffPath(testId(1)), { headers }), 403, 'ERR_HANDOFF_NOT_NAVIGATION');
    expect(portalGets()).toBe(0);
    expect(flows).toHaveLength(0);
  });

  it('refuses a same-site navigation (another 127.0.0.1 page) for an https portal, accepts it for a loopback portal', async () => {
    allow = [portal.origin, 'https://portaal.example'];
    const site = { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'same-site' };
    expectRefusalPage(await send(handoffPath(testId(1), 'https://portaal.example'), { headers: site }), 403, 'ERR_HANDOFF_NOT_NAVIGATION');
    expect((await send(handoffPath(testId(2)), { headers: site })).status).toBe(303);
  });

  it('accepts a navigation the person typed or pasted (Sec-Fetch-Site: none)', async () => {
    const a = await send(handoffPath(testId(1)), { headers: { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'none' } });
    expect(a.status).toBe(303);
  });

  it('refuses /status requested by an <img> too', async () => {
    expectRefusalPage(await send('/status', { headers: { 'Sec-Fetch-Dest': 'image', 'Sec-Fetch-Mode': 'no-cors' } }), 403, 'ERR_HANDOFF_NOT_NAVIGATION');
  });

  it('shows a clear Dutch page with ERR_PORTAL_UNREACHABLE when the portal is down', async () => {
    await portal.close();
    const a = await send(handoffPath(testId(1)));
    expectRefusalPage(a, 502, 'ERR_PORTAL_UNREACHABLE');
    expect(a.body).toContain('Het portaal is niet bereikbaar');
    expect(listener.busy()).toBe(false);
    portal = await startFakePortal(clock);
  });

  it('shows ERR_PORTAL_TIMEOUT when the portal does not answer in time', async () => {
    portal.handler = () => {};
    const started = Date.now();
    expectRefusalPage(await send(handoffPath(testId(1))), 504, 'ERR_PORTAL_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(listener.busy()).toBe(false);
  });

  it.each([
    ['HTML instead of JSON', (res: import('node:http').ServerResponse) => res.end('<html>oops</html>')],
    ['JSON of the wrong shape', (res: import('node:http').ServerResponse) => json(res, 200, { id: testId(1), purpose: 'login' })],
    ['a redirect elsewhere', (res: import('node:http').ServerResponse) => { res.writeHead(302, { Location: 'https://evil.example/' }); res.end('{}'); }],
  ])('shows ERR_PORTAL_BAD_RESPONSE when the portal answers %s', async (_name, answer) => {
    portal.handler = (_req, res) => answer(res);
    expectRefusalPage(await send(handoffPath(testId(1))), 502, 'ERR_PORTAL_BAD_RESPONSE');
    expect(flows).toHaveLength(0);
  });

  it('passes the portal’s own refusal on (request unknown or expired there)', async () => {
    portal.handler = (_req, res) => json(res, 410, { outcome: 'refused', code: 'ERR_PORTAL_HANDOFF_EXPIRED', kind: 'retry', message: 'x' });
    expectRefusalPage(await send(handoffPath(testId(1))), 410, 'ERR_PORTAL_HANDOFF_EXPIRED');
    portal.handler = (_req, res) => json(res, 404, { outcome: 'refused', code: 'ERR_PORTAL_HANDOFF_NOT_FOUND' });
    expectRefusalPage(await send(handoffPath(testId(2))), 404, 'ERR_PORTAL_HANDOFF_NOT_FOUND');
  });

  it('lets the person retry the same request after the portal was unreachable', async () => {
    portal.handler = () => {};
    expect((await send(handoffPath(testId(1)))).status).toBe(504);
    portal.answerRequests();
    expect((await send(handoffPath(testId(1)))).status).toBe(303);
  });

  it('refuses a GET with a body (Content-Length or chunked)', async () => {
    expectRefusalPage(await send(handoffPath(testId(1)), { body: 'hello', headers: { 'Content-Length': '5' } }), 400, 'ERR_HANDOFF_BODY_NOT_ALLOWED');
    expectRefusalPage(
      await send(handoffPath(testId(2)), { body: 'hello', headers: { 'Transfer-Encoding': 'chunked' } }),
      400,
      'ERR_HANDOFF_BODY_NOT_ALLOWED',
    );
    expect(portalGets()).toBe(0);
  });

  it.each([
    ['no request id', `/handoff?portal=PORTAL`],
    ['no portal', `/handoff?request=${testId(1)}`],
    ['a malformed request id', `/handoff?portal=PORTAL&request=..%2F..%2Fadmin`],
    ['a request id that is too long', `/handoff?portal=PORTAL&request=${testId(1)}A`],
    ['a portal with a path', `/handoff?portal=PORTAL%2Flogin&request=${testId(1)}`],
    ['the portal twice', `/handoff?portal=PORTAL&portal=https%3A%2F%2Fevil.example&request=${testId(1)}`],
    ['an extra parameter', `/handoff?portal=PORTAL&request=${testId(1)}&next=https%3A%2F%2Fevil.example`],
    ['a prototype key', `/handoff?portal=PORTAL&request=${testId(1)}&__proto__=x`],
  ])('refuses a link with %s (400)', async (_name, path) => {
    expectRefusalPage(await send(path.replace('PORTAL', encodeURIComponent(portal.origin))), 400, 'ERR_HANDOFF_BAD_QUERY');
    expect(portalGets()).toBe(0);
  });

  it('never echoes what the link contained into its page', async () => {
    const a = await send(`/handoff?portal=${encodeURIComponent('<script>alert(1)</script>')}&request=x`);
    expect(a.status).toBe(400);
    expect(a.body).not.toContain('<script>alert');
    expect(a.headers['content-security-policy']).toContain("default-src 'none'");
    expect(a.headers['x-frame-options']).toBe('DENY');
  });
});

describe('loopback listener: binding', () => {
  it('binds 127.0.0.1 only', async () => {
    expect(listener.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
  });

  it('cannot be reached through another local address (127.0.0.2, the machine’s own IP, ::1)', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    for (const host of ['127.0.0.2', '::1', ...(external ? [external] : [])]) {
      const result = await new Promise<string>((resolve) => {
        const s = connect({ host, port: listener.port });
        s.on('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(result, host).not.toBe('connected');
    }
  });

  it('moves to the next fallback port when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: 0 }, r));
    const taken = (blocker.address() as AddressInfo).port;
    const free = await freePort();
    const l = await startListener({ port: taken, fallbackPorts: [free] });
    try {
      expect(l.port).toBe(free);
      expect((await send('/status', { to: l })).status).toBe(200);
      // The Host check follows the port actually bound.
      expect((await send('/status', { to: l, host: `127.0.0.1:${taken}` })).status).toBe(403);
    } finally {
      await l.close();
      await new Promise((r) => blocker.close(r));
    }
  });

  it('fails with ERR_HANDOFF_LISTENER_UNAVAILABLE when every port is taken', async () => {
    let thrown: unknown;
    try {
      await startListener({ port: listener.port, fallbackPorts: [listener.port] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('ERR_HANDOFF_LISTENER_UNAVAILABLE');
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

afterAll(() => {
  // Runs after every test above: no answer, refusal or success, carried a CORS header, and every one
  // said no-store / no-referrer.
  expect(allAnswers.length).toBeGreaterThan(60);
  for (const a of allAnswers) {
    expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-')), a.what).toEqual([]);
    expect(a.headers['cache-control'], a.what).toBe('no-store');
    expect(a.headers['referrer-policy'], a.what).toBe('no-referrer');
  }
});
