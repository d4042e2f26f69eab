// In a real browser: a page on another origin (another loopback port, like any local web page or a
// DNS-rebound site) cannot call the preview host's API, not even blind.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, invokeInPage, test } from './fixtures';
import type { PageGlobals } from './page-globals';

let evil: Server;
let evilUrl: string;

test.beforeAll(async () => {
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><html lang="en"><head><title>other site</title></head><body>other</body></html>');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
});
test.afterAll(() => new Promise<void>((resolve) => evil.close(() => resolve())));

test('a page on another origin cannot call the API or read the secret', async ({ page, preview }) => {
  await page.goto(evilUrl);
  const outcome = await page.evaluate(async (api) => {
    const w = globalThis as unknown as PageGlobals;
    const attempt = async (url: string, init: object): Promise<string> => {
      try {
        const r = await w.fetch(url, init);
        return `status ${r.status}: ${(await r.text()).slice(0, 80)}`;
      } catch (e) {
        return `blocked: ${String(e)}`;
      }
    };
    const body = JSON.stringify({ channel: 'demo:insert', input: { card: 'Z', reader: 0 } });
    return {
      // With the right headers it needs a CORS preflight, which the host never grants.
      json: await attempt(`${api}api/invoke`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-zorgid-secret': 'guess' }, body }),
      // A "simple" request goes out without preflight; the host must refuse it itself.
      blind: await attempt(`${api}api/invoke`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body }),
      events: await attempt(`${api}api/events`, {}),
      page: await attempt(api, {}),
    };
  }, preview.url);
  expect(outcome.json).toMatch(/^blocked/);
  expect(outcome.events).toMatch(/^blocked/);
  expect(outcome.page).toMatch(/^blocked/);
  // no-cors hides the answer (status 0); what matters is that nothing happened — checked below.
  expect(outcome.blind).not.toContain('"ok":true');

  // Nothing was inserted by any of those attempts.
  await page.goto(preview.url);
  const readers = (await invokeInPage(page, 'card:readers')) as { ok: true; value: { present: boolean }[] };
  expect(readers.ok).toBe(true);
  expect(readers.value.every((r) => !r.present)).toBe(true);
  expect(preview.stderr()).toMatch(/refused request \((content-type|fetch-site|origin)\)/);
});
