// The preview host over real HTTP on loopback: its own page can call the API; another origin cannot.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCardService } from '../core/demo/demo-card-service';
import { placeholderDemoCards } from '../core/demo/demo-cards';
import { memorySettingsService } from '../core/policy/policy-settings';
import { createHandlers } from '../handlers';
import { SECRET_HEADER, SECRET_META } from './security';
import { startPreviewHost, type PreviewHost } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(host: PreviewHost, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        // SSE never ends: the first event is enough.
        if (path === '/api/events' && text.includes('\n\n') && text.includes('data:')) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('preview host', () => {
  let host: PreviewHost;
  let dir: string;
  const now = Date.parse('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgid-preview-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><html lang="nl"><head><title>t</title></head><body></body></html>');
    const card = createDemoCardService({ cards: placeholderDemoCards(now), clock: () => now, readDelayMs: 0 });
    host = await startPreviewHost({
      handlers: createHandlers({
        card,
        settings: memorySettingsService(),
        info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: 'demo', demoBackend: 'in-process', platform: 'linux' },
        demo: card,
      }),
      subscribe: (l) => card.subscribe(l),
      rendererDir: dir,
    });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  const own = (): Record<string, string> => ({
    Host: `127.0.0.1:${host.port}`,
    Origin: `http://127.0.0.1:${host.port}`,
    'Sec-Fetch-Site': 'same-origin',
    'Content-Type': 'application/json',
    [SECRET_HEADER]: host.secret,
  });
  const invoke = (headers: Record<string, string>, body = JSON.stringify({ channel: 'settings:get' })): Promise<Reply> =>
    call(host, 'POST', '/api/invoke', headers, body);

  it('listens on 127.0.0.1 only', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
  });

  it('serves its page with the per-start secret, a strict CSP and no CORS headers', async () => {
    const page = await call(host, 'GET', '/', { Host: `127.0.0.1:${host.port}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="${SECRET_META}" content="${host.secret}">`);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(host.secret.length).toBeGreaterThanOrEqual(40);
  });

  it('answers its own page', async () => {
    const reply = await invoke(own());
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, value: { language: 'nl', pkcs11ModulePath: null } });
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a call without the secret', async () => {
    const { [SECRET_HEADER]: _omit, ...headers } = own();
    const reply = await invoke(headers);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'ERR_IPC_FORBIDDEN_SENDER', detail: { why: 'secret' } } });
  });

  it('refuses a call with a wrong secret of the same length', async () => {
    const wrong = host.secret.slice(0, -1) + (host.secret.endsWith('A') ? 'B' : 'A');
    const reply = await invoke({ ...own(), [SECRET_HEADER]: wrong });
    expect(reply.status).toBe(403);
  });

  it('refuses a page on another origin (cross-site fetch metadata and foreign Origin)', async () => {
    const crossSite = await invoke({ ...own(), Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const otherPort = await invoke({ ...own(), Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site' });
    expect(otherPort.status).toBe(403);
    expect(JSON.parse(otherPort.body)).toMatchObject({ error: { detail: { why: 'origin' } } });
    const sameSite = await invoke({ ...own(), 'Sec-Fetch-Site': 'same-site' });
    expect(JSON.parse(sameSite.body)).toMatchObject({ error: { detail: { why: 'fetch-site' } } });
  });

  it('refuses a foreign Host header (DNS rebinding), for the page too', async () => {
    const api = await invoke({ ...own(), Host: `evil.example:${host.port}`, Origin: `http://evil.example:${host.port}` });
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body)).toMatchObject({ error: { detail: { why: 'host' } } });
    const page = await call(host, 'GET', '/', { Host: `localhost:${host.port}` });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain(host.secret);
  });

  it('refuses a simple (no-preflight) cross-origin form post', async () => {
    const reply = await invoke({ ...own(), 'Content-Type': 'text/plain' });
    expect(reply.status).toBe(403);
  });

  it('answers a preflight without any CORS permission', async () => {
    const reply = await call(host, 'OPTIONS', '/api/invoke', {
      Host: `127.0.0.1:${host.port}`,
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
    });
    expect(reply.status).toBe(403);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('streams card events to its own page, snapshot first', async () => {
    const { 'Content-Type': _ct, ...headers } = own();
    const reply = await call(host, 'GET', '/api/events', headers);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('text/event-stream');
    expect(reply.body).toContain('event: card:event');
    expect(reply.body).toContain('"type":"readers"');
  });

  it('refuses the event stream to another origin', async () => {
    const reply = await call(host, 'GET', '/api/events', { ...own(), [SECRET_HEADER]: 'nope', 'Sec-Fetch-Site': 'cross-site' });
    expect(reply.status).toBe(403);
  });

  it('returns a Result for garbage, unknown channels and bad input', async () => {
    expect(JSON.parse((await invoke(own(), '{not json')).body)).toMatchObject({ ok: false, error: { code: 'ERR_IPC_INVALID_INPUT' } });
    expect(JSON.parse((await invoke(own(), JSON.stringify({ channel: 'card:wipe' }))).body)).toMatchObject({
      ok: false,
      error: { code: 'ERR_IPC_UNKNOWN_CHANNEL' },
    });
    expect(JSON.parse((await invoke(own(), JSON.stringify({ channel: 'card:read', input: { reader: 7 } }))).body)).toMatchObject({
      ok: false,
      error: { code: 'ERR_IPC_INVALID_INPUT' },
    });
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2fpackage.json']) {
      const reply = await call(host, 'GET', path, { Host: `127.0.0.1:${host.port}` });
      expect(reply.status).toBe(404);
    }
  });
});
