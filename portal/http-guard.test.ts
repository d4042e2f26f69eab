// The limits in front of every portal route (issue 15 item 1), over real loopback HTTP: bodies
// bounded while they stream in, malformed JSON, per-client and global token buckets on the injected
// clock, and the same-origin rule on every state-changing browser route.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CardLabPki } from '../test/card-lab/pki';
import type { ErrorCode } from './errors';
import { httpGuard } from './http-guard';
import { createRateLimiter, type RateLimits } from './rate-limit';
import type { Env } from './route-context';
import { createPortal, type Portal } from './server';
import { countRows, type CountedTable } from './store/row-counts';
import { LAB_VALID_AT, labCrls, labTrust, loadLab } from '../test/card-lab/lab-tokens';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let dbPath: string;
let now: number;

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-guard-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await portal?.close();
});

async function start(rateLimits?: Partial<RateLimits>, operatorToken?: string) {
  now = LAB_VALID_AT.getTime();
  dbPath = join(dir, `portal-${Math.random().toString(36).slice(2)}.sqlite`);
  portal = await createPortal({ dbPath, trust: { ...labTrust(pki), crls: labCrls(pki) }, clock: () => now, rateLimits, operatorToken });
}

const rows = (table: CountedTable): number => countRows(dbPath, table);

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: { code?: string; [k: string]: unknown } | null;
}

/** One request from a chosen loopback address (127.0.0.0/8 is all ours on Linux). */
function send(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, portal.url);
    const req = httpRequest(
      { method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers: options.headers, localAddress: options.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Answer['json'] = null;
          try {
            json = JSON.parse(text) as Answer['json'];
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const same = () => ({ origin: portal.origin });
const postJson = (path: string, body: string, headers: Record<string, string> = {}, from?: string) =>
  send('POST', path, { headers: { 'content-type': 'application/json', ...headers }, body, from });
const postForm = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  send('POST', path, { headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers }, body: new URLSearchParams(fields).toString() });

/**
 * Streams up to `total` bytes as a chunked body (no Content-Length) and stops as soon as an answer
 * arrives. Returns the answer and how many bytes had been written by then.
 */
function streamHuge(path: string, total: number): Promise<{ status: number; code: string | undefined; connection: string | undefined; writtenAtAnswer: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, portal.url);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    chunk[0] = 0x7b; // "{", so the body starts like JSON
    let written = 0;
    let answered = false;
    const req = httpRequest({ method: 'POST', host: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true;
      const writtenAtAnswer = written;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: string };
        resolve({ status: res.statusCode ?? 0, code: body.code, connection: res.headers.connection, writtenAtAnswer });
      });
    });
    // The server cuts the connection after its answer: writes that fail then are expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('bodies are bounded before they are read', () => {
  it('answers a 400 MB chunked body with 413 ERR_HTTP_BODY_TOO_LARGE after reading a few KiB, and closes the connection', async () => {
    await start();
    const before = process.memoryUsage().rss;
    const answer = await streamHuge('/api/mobile/enrol', 400 * 1024 * 1024);
    expect(answer).toMatchObject({ status: 413, code: 'ERR_HTTP_BODY_TOO_LARGE', connection: 'close' });
    // Loopback socket buffers hold a few MB; a server that buffered the body answers only after 400 MB.
    expect(answer.writtenAtAnswer).toBeLessThan(16 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    // Nothing was redeemed or recorded for it.
    expect(rows('audit')).toBe(0);
  }, 60_000);

  it('refuses a declared Content-Length over the limit without waiting for the body', async () => {
    await start();
    const answer = await new Promise<number>((resolve, reject) => {
      const url = new URL('/organisatie/valideren', portal.url);
      const req = httpRequest({ method: 'POST', host: url.hostname, port: url.port, path: url.pathname, headers: { 'content-length': String(400 * 1024 * 1024), origin: portal.origin, accept: 'text/html' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      // Only 10 bytes of the promised 400 MB: the answer must not wait for the rest.
      req.write('ura=123456');
    });
    expect(answer).toBe(413);
  });

  it('answers oversized forms with the Dutch error page, and keeps a body at the limit', async () => {
    await start();
    const big = await postForm('/organisatie/valideren', { ura: '12345678', gelezen: 'ja', x: 'a'.repeat(17 * 1024) }, same());
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/^text\/html/);
    expect(big.text).toContain('ERR_HTTP_BODY_TOO_LARGE');
    expect(rows('handoff_requests')).toBe(0);
    // Just under 16 KiB is read as before (here: an unknown URA, 404).
    const fits = await postForm('/organisatie/valideren', { ura: '12345678', gelezen: 'ja', x: 'a'.repeat(15 * 1024) }, same());
    expect(fits.status).toBe(404);
  });

  it('bounds the handoff request (4 KiB), the token (ERR_TOKEN_SIZE, its own code) and the beheer API (16 KiB)', async () => {
    await start();
    const handoff = await postJson('/api/handoff', JSON.stringify({ purpose: 'login', pad: 'a'.repeat(5000) }), same());
    expect(handoff).toMatchObject({ status: 413, json: { code: 'ERR_HTTP_BODY_TOO_LARGE' } });
    const token = await postJson(`/api/handoff/${'A'.repeat(22)}/token`, JSON.stringify({ pad: 'a'.repeat(20_000) }));
    expect(token).toMatchObject({ status: 413, json: { code: 'ERR_TOKEN_SIZE' } });
    const beheer = await postJson('/api/beheer/gebruikers', JSON.stringify({ pad: 'a'.repeat(20_000) }), same());
    expect(beheer).toMatchObject({ status: 413, json: { code: 'ERR_HTTP_BODY_TOO_LARGE' } });
    // A CSR with its token needs more than the default: 20 KB still reaches the route (400, not 413).
    const certify = await postJson(`/api/smartcard/${'A'.repeat(22)}/certify`, JSON.stringify({ csr: 'a'.repeat(20_000) }));
    expect(certify.status).not.toBe(413);
  });
});

describe('malformed JSON', () => {
  it('answers 400 ERR_HTTP_BAD_JSON on every JSON route and creates nothing', async () => {
    await start();
    const cases: Array<[string, Record<string, string>]> = [
      ['/api/handoff', same()],
      ['/api/mobile/enrol', {}],
      ['/api/mobile/login', {}],
      ['/api/mobile/login-prompt', {}],
      ['/api/mobile/id-status', {}],
      [`/api/handoff/${'A'.repeat(22)}/progress`, {}],
      [`/api/smartcard/${'A'.repeat(22)}/activate`, {}],
      ['/api/beheer/gebruikers', same()],
      ['/api/login-qr', same()],
    ];
    for (const [path, headers] of cases) {
      const answer = await postJson(path, '{"purpose": "login",', headers);
      expect({ path, status: answer.status, code: answer.json?.code }).toEqual({ path, status: 400, code: 'ERR_HTTP_BAD_JSON' });
    }
    // Not valid UTF-8 is not JSON either.
    const latin1 = await send('POST', '/api/handoff', { headers: { 'content-type': 'application/json', ...same() }, body: Buffer.from('{"purpose":"l\xe9"}', 'latin1') });
    expect(latin1.status).toBe(400);
    expect(rows('handoff_requests')).toBe(0);
  });

  it('no longer reads a malformed /api/handoff body without a JSON content type as {} (was 201)', async () => {
    await start();
    const answer = await send('POST', '/api/handoff', { headers: same(), body: 'purpose=login' });
    expect(answer).toMatchObject({ status: 400, json: { code: 'ERR_HTTP_BAD_JSON' } });
    expect(rows('handoff_requests')).toBe(0);
  });
});

describe('rate limits on the anonymous routes', () => {
  const small = (perClient: number, perMinute: number, global = 1000): Partial<RateLimits> => ({
    handoff: { perClient: { capacity: perClient, perMinute }, global: { capacity: global, perMinute: global } },
    session: { perClient: { capacity: perClient, perMinute }, global: { capacity: global, perMinute: global } },
    mobile: { perClient: { capacity: perClient, perMinute }, global: { capacity: global, perMinute: global } },
  });
  const createHandoff = (from?: string) => postJson('/api/handoff', '{"purpose":"login"}', {}, from);

  it('refuses one client beyond its bucket with 429 ERR_HTTP_RATE_LIMITED and a Retry-After from the injected clock, and refills', async () => {
    // 3 at once, then one every 10 s.
    await start(small(3, 6));
    for (let i = 0; i < 3; i++) expect((await createHandoff()).status).toBe(201);
    const refused = await createHandoff();
    expect(refused).toMatchObject({ status: 429, json: { code: 'ERR_HTTP_RATE_LIMITED' } });
    expect(refused.headers['retry-after']).toBe('10');
    now += 4_000;
    expect((await createHandoff()).headers['retry-after']).toBe('6');
    now += 6_000;
    expect((await createHandoff()).status).toBe(201);
    expect((await createHandoff()).status).toBe(429);
    // A minute later the bucket is full again: three more, no fourth.
    now += 60_000;
    const burst = await Promise.all([1, 2, 3, 4].map(() => createHandoff()));
    expect(burst.map((r) => r.status).sort()).toEqual([201, 201, 201, 429]);
  });

  it('keys the client bucket by remote address: another address is not held back by the first', async () => {
    await start(small(2, 1));
    expect((await createHandoff('127.0.0.2')).status).toBe(201);
    expect((await createHandoff('127.0.0.2')).status).toBe(201);
    expect((await createHandoff('127.0.0.2')).status).toBe(429);
    expect((await createHandoff('127.0.0.3')).status).toBe(201);
  });

  it('holds every client together to the global bucket, with its own Retry-After', async () => {
    await start({ handoff: { perClient: { capacity: 100, perMinute: 100 }, global: { capacity: 4, perMinute: 12 } } });
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) expect((await createHandoff(from)).status).toBe(201);
    const refused = await createHandoff('127.0.0.6');
    expect(refused).toMatchObject({ status: 429, json: { code: 'ERR_HTTP_RATE_LIMITED' } });
    expect(refused.headers['retry-after']).toBe('5');
    now += 5_000;
    expect((await createHandoff('127.0.0.6')).status).toBe(201);
  });

  it('keeps a flood out of the store: 50 requests beyond the limit add no handoff, session, login QR, validation or audit row', async () => {
    await start(small(5, 1), 'operator-token-of-the-test-1234');
    for (let i = 0; i < 5; i++) {
      await createHandoff();
      await send('GET', '/');
      await postJson('/api/mobile/enrol', '{}');
    }
    const before = { handoffs: rows('handoff_requests'), sessions: rows('sessions'), qr: rows('login_qr'), audit: rows('audit'), validations: rows('org_validations') };
    expect(before.handoffs).toBe(5);
    const flood = await Promise.all(
      Array.from({ length: 50 }, async () => [
        (await createHandoff()).status,
        (await send('GET', '/')).status,
        (await postJson('/api/mobile/enrol', '{}')).status,
        (await send('POST', '/api/login-qr', { headers: same() })).status,
      ]),
    );
    expect(new Set(flood.flat())).toEqual(new Set([429]));
    expect({ handoffs: rows('handoff_requests'), sessions: rows('sessions'), qr: rows('login_qr'), audit: rows('audit'), validations: rows('org_validations') }).toEqual(before);
  });

  it('limits operator token guesses', async () => {
    await start({ operator: { perClient: { capacity: 2, perMinute: 1 }, global: { capacity: 100, perMinute: 100 } } }, 'operator-token-of-the-test-1234');
    const guess = () => postJson('/api/operator/registrations', '{}', { authorization: 'Bearer wrong-guess-wrong-guess' });
    expect((await guess()).status).toBe(403);
    expect((await guess()).status).toBe(403);
    const refused = await guess();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
  });

  it('leaves the default limits generous enough for a ward behind one address', async () => {
    await start();
    const answers = await Promise.all(Array.from({ length: 50 }, () => createHandoff()));
    expect(answers.every((a) => a.status === 201)).toBe(true);
  });
});

describe('same-origin rule on state-changing routes (CSRF)', () => {
  /** An anonymous browser session: its cookie, as the landing page sets it. */
  async function cookie(): Promise<string> {
    const res = await send('GET', '/');
    return (res.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
  }

  it('refuses form posts without Origin or Sec-Fetch-Site with 403 ERR_HTTP_CROSS_SITE, and changes nothing', async () => {
    await start();
    const jar = await cookie();
    const forms: Array<[string, Record<string, string>]> = [
      ['/api/handoff', { purpose: 'login' }],
      ['/organisatie/valideren', { ura: '12345678', gelezen: 'ja' }],
      ['/uitloggen', {}],
      ['/operator', { token: 'x' }],
      ['/beheer/gebruikers', {}],
      [`/organisatie/validatie/${'A'.repeat(22)}/bevestigen`, {}],
      [`/beheer/smartcards/${'A'.repeat(22)}/blokkeren`, {}],
    ];
    for (const [path, fields] of forms) {
      const answer = await postForm(path, fields, { cookie: jar });
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(answer.text).toContain('ERR_HTTP_CROSS_SITE');
    }
    expect(rows('handoff_requests')).toBe(0);
    // /uitloggen did not end the session.
    expect((await send('GET', '/api/session', { headers: { cookie: jar } })).json).toMatchObject({ active: false, reason: null });
  });

  it('refuses the browser JSON routes without Origin too: beheer API, login QR, completion, handoff with a cookie', async () => {
    await start();
    const jar = await cookie();
    for (const path of ['/api/beheer/gebruikers', '/api/login-qr', '/api/login-qr/complete', `/handoff/${'A'.repeat(22)}/complete`, '/api/handoff', `/api/beheer/smartcards/${'A'.repeat(22)}/blokkeren`]) {
      const answer = await postJson(path, '{"purpose":"login"}', { cookie: jar });
      expect({ path, status: answer.status, code: answer.json?.code }).toEqual({ path, status: 403, code: 'ERR_HTTP_CROSS_SITE' });
    }
    expect(rows('login_qr')).toBe(1);
  });

  it('keeps refusing a foreign Origin (ERR_PORTAL_FORBIDDEN_ORIGIN), also "null" and on the app routes', async () => {
    await start();
    for (const origin of ['https://kwaadwillend.example', 'null', `${portal.origin}.kwaadwillend.example`]) {
      expect((await postForm('/api/handoff', { purpose: 'login' }, { origin })).status).toBe(403);
      expect((await postJson('/api/mobile/enrol', '{}', { origin })).json?.code).toBe('ERR_PORTAL_FORBIDDEN_ORIGIN');
    }
    expect(rows('handoff_requests')).toBe(0);
  });

  it('refuses Sec-Fetch-Site cross-site, same-site and none (no POST of the portal is a top-level navigation)', async () => {
    await start();
    for (const site of ['cross-site', 'same-site', 'none']) {
      const answer = await postForm('/api/handoff', { purpose: 'login' }, { 'sec-fetch-site': site });
      expect({ site, status: answer.status }).toEqual({ site, status: 403 });
    }
    expect(rows('handoff_requests')).toBe(0);
  });

  it('accepts our own Origin, or Sec-Fetch-Site same-origin without Origin', async () => {
    await start();
    expect((await postForm('/api/handoff', { purpose: 'login' }, same())).status).toBe(303);
    expect((await postForm('/api/handoff', { purpose: 'login' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    expect((await postForm('/api/handoff', { purpose: 'login' }, { ...same(), 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    expect(rows('handoff_requests')).toBe(3);
  });

  it('exempts the machine routes, which read no cookie and prove themselves by id, token, signature or bearer', async () => {
    await start(undefined, 'operator-token-of-the-test-1234');
    // ZORG-ID Desktop asks for a create-smartcard request as JSON, without Origin and without a cookie.
    const created = await postJson('/api/handoff', '{"purpose":"create-smartcard"}');
    expect(created.status).toBe(201);
    const id = created.json!.id as string;
    // The app's back-channel (src/main/core/handoff/portal-client.ts, src/main/core/enrol/smartcard-portal.ts).
    expect((await postJson(`/api/handoff/${id}/progress`, '{"state":"card-read"}')).status).toBe(200);
    // A create-smartcard request takes its token only with the CSR: refused for that, not for Origin.
    expect((await postJson(`/api/handoff/${id}/token`, '{}')).json?.code).toBe('ERR_TOKEN_PURPOSE_NOT_SUPPORTED');
    expect((await postJson(`/api/smartcard/${id}/certify`, '{}')).json?.code).toBe('ERR_SMARTCARD_CA_NOT_CONFIGURED');
    expect((await postJson(`/api/smartcard/${'A'.repeat(22)}/activate`, '{}')).json?.code).toBe('ERR_PORTAL_BAD_REQUEST');
    expect((await postJson(`/api/handoff/session/${'A'.repeat(22)}/card-removed`, '{}')).status).toBe(200);
    expect((await postJson(`/api/handoff/${id}/cancel`, '{}')).json?.outcome).toBe('cancelled');
    // The Mobile App (test/fakes/mobile-app.ts): refused for its content, not for a missing Origin.
    for (const path of ['/api/mobile/enrol', '/api/mobile/login', '/api/mobile/login-prompt', '/api/mobile/id-status']) expect((await postJson(path, '{}')).json?.code).toBe('ERR_PORTAL_BAD_REQUEST');
    // The operator's API with its bearer token.
    const registered = await postJson('/api/operator/registrations', JSON.stringify({ ura: '12345678', name: 'Huisartsenpraktijk', street: 'Straat 1', postcode: '1234 AB', city: 'Utrecht' }), {
      authorization: 'Bearer operator-token-of-the-test-1234',
    });
    expect(registered.status).toBe(201);
  });
});

describe('the route reads the body the guard read', () => {
  // The guard reads the body from Node's request and hands the bytes to the route through Hono's
  // body cache: text(), json() and parseBody() must see what Request would have decoded.
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = new Hono<Env>();
    const refuse = (c: Context<Env>, code: ErrorCode) => c.json({ code }, 400);
    app.use('*', httpGuard({ origin: () => url, limiter: createRateLimiter({ clock: () => 0 }), refuse, hasSessionCookie: () => false }));
    app.post('/text', async (c) => c.json({ text: await c.req.text() }));
    app.post('/json', async (c) => c.json({ json: (await c.req.json()) as unknown }));
    app.post('/form', async (c) => c.json({ form: await c.req.parseBody() }));
    app.post('/bytes', async (c) => c.json({ bytes: Buffer.from(await c.req.arrayBuffer()).toString('hex') }));
    const listener = getRequestListener(app.fetch);
    server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = async (path: string, type: string, body: Buffer) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type, origin: url }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('gives JSON, text with a BOM and invalid UTF-8, a form and the raw bytes as Request decodes them', async () => {
    const json = Buffer.from(JSON.stringify({ naam: 'Zorggroep Één', n: 1 }), 'utf8');
    expect(await post('/json', 'application/json', json)).toEqual({ status: 200, body: { json: { naam: 'Zorggroep Één', n: 1 } } });
    const odd = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('caf', 'utf8'), Buffer.from([0xc3, 0x28])]);
    const expected = await new Request('http://x/', { method: 'POST', body: odd }).text();
    expect(expected).toBe('caf\ufffd(');
    expect(await post('/text', 'text/plain', odd)).toEqual({ status: 200, body: { text: expected } });
    const form = Buffer.from(new URLSearchParams({ naam: 'Één & twee', ura: '90000123' }).toString(), 'utf8');
    expect(await post('/form', 'application/x-www-form-urlencoded', form)).toEqual({ status: 200, body: { form: { naam: 'Één & twee', ura: '90000123' } } });
    expect(await post('/bytes', 'application/octet-stream', odd)).toEqual({ status: 200, body: { bytes: odd.toString('hex') } });
  });
});
