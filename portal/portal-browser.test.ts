// The portal's pages in a real Chromium: the script (countdown, QR refresh and expiry, SSE, bc
// stripping and completion, card-removal logout) and the CSP/Referrer-Policy headers together. The
// desktop app is played by a small loopback server that does what the app does over HTTP.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffRequestSchema } from '../src/shared/handoff-token';
import { createPortal, type Portal } from './server';
import { labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from './test/lab-tokens';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM} (CI=true): the portal browser test must run`);
if (!available) console.warn(`portal-browser.test.ts skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

let dir: string;
let portal: Portal;
let fakeApp: Server;
let browser: Browser;
const cardSessions: string[] = [];

describe.skipIf(!available)('reference portal in Chromium', () => {
  beforeAll(async () => {
    const pki = await loadLab();
    dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-browser-'));
    // What ZORG-ID Desktop does: back-channel fetch, 303 to the wait page, then card work and the token.
    fakeApp = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const origin = url.searchParams.get('portal') ?? '';
      const id = url.searchParams.get('request') ?? '';
      const request = handoffRequestSchema.parse(await (await fetch(`${origin}/api/handoff/${id}`)).json());
      const bc = newBrowserCode();
      res.writeHead(303, { location: `${origin}/handoff/${id}/wait?bc=${bc}` }).end();
      setTimeout(async () => {
        await fetch(`${origin}/api/handoff/${id}/progress`, { method: 'POST', body: JSON.stringify({ state: 'card-read' }) });
        const token = signLabToken({ pki, card: 'Z-huisarts', request, browserCode: bc });
        const answer = (await (await fetch(`${origin}/api/handoff/${id}/token`, { method: 'POST', body: JSON.stringify(token) })).json()) as { sessionId: string };
        cardSessions.push(answer.sessionId);
      }, 300);
    });
    await new Promise<void>((resolve) => fakeApp.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(fakeApp.address() as AddressInfo).port}`;
    portal = await createPortal({ dbPath: join(dir, 'portal.sqlite'), trust: { ...labTrust(pki), crls: labCrls(pki) }, appUrl });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    fakeApp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the card button, shows the holder, and logs out when the card is pulled', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

    await page.goto(`${portal.url}/`);
    await expect.poll(() => page.textContent('#qr-status')).toMatch(/^Nog [45]:\d\d geldig$/);
    await page.click('#login-card');
    await page.waitForURL(/\/handoff\/[A-Za-z0-9_-]{22}\/wait$/, { timeout: 10_000 });
    expect(page.url()).not.toContain('bc=');
    await page.waitForURL(/\/ingelogd$/, { timeout: 10_000 });
    const holder = (await page.textContent('#holder'))?.replace(/\s+/g, ' ');
    expect(holder).toContain('Anna Maria de Vries');
    expect(holder).toContain('900016528');
    expect(holder).toContain('90000382');
    expect(holder).toContain('Huisarts (01.015)');

    const removedAt = Date.now();
    await fetch(`${portal.url}/api/handoff/session/${cardSessions.at(-1)}/card-removed`, { method: 'POST' });
    await page.waitForURL(/afgemeld=kaart-verwijderd/, { timeout: 2_000 });
    expect(Date.now() - removedAt).toBeLessThan(2_000);
    expect(await page.textContent('.notice')).toContain('uit de lezer');
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('shows the login QR as expired after 5 minutes and renews it on a click', async () => {
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(`${portal.url}/`);
    const first = await page.getAttribute('#login-qr img', 'src');
    await page.clock.fastForward('05:01');
    await expect.poll(() => page.textContent('#qr-status')).toContain('verlopen');
    expect(await page.isVisible('.qr-expired')).toBe(true);
    await page.click('#login-qr');
    await expect.poll(() => page.isVisible('.qr-expired')).toBe(false);
    expect(await page.getAttribute('#login-qr img', 'src')).not.toBe(first);
    expect(await page.textContent('#qr-status')).toMatch(/^Nog [45]:\d\d geldig$/);
    await page.close();
  }, 30_000);
});
