// The portal's pages in a real Chromium: the script (countdown, QR refresh and expiry, SSE, bc
// stripping and completion, card-removal logout) and the CSP/Referrer-Policy headers together. The
// desktop app is played by a small loopback server that does what the app does over HTTP
// (test/browser-portal.ts).
import { describe, expect, it } from 'vitest';
import { decodeQrPng, parseQrPayload, pngFromDataUrl } from '../test/fakes/mobile-app';
import { chromiumAvailable, pageProblems, useBrowserPortal } from './test/browser-portal';

const available = chromiumAvailable('portal-browser.test.ts', 'portal browser test');

describe.skipIf(!available)('reference portal in Chromium', () => {
  const world = useBrowserPortal({ name: 'zorgid-portal-browser-', signAfterMs: 300, reportCardRead: true });

  it('logs in with the card button, shows the holder, and logs out when the card is pulled', async () => {
    const { browser, portal, sessions } = world();
    const page = await browser.newPage();
    const problems = pageProblems(page);

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
    await fetch(`${portal.url}/api/handoff/session/${[...sessions.values()].at(-1)}/card-removed`, { method: 'POST' });
    await page.waitForURL(/afgemeld=kaart-verwijderd/, { timeout: 2_000 });
    expect(Date.now() - removedAt).toBeLessThan(2_000);
    expect(await page.textContent('.notice')).toContain('uit de lezer');
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('shows the login QR as expired after 5 minutes and renews it on a click', async () => {
    const { browser, portal } = world();
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(`${portal.url}/`);
    const first = await page.getAttribute('#login-qr img', 'src');
    const firstCode = await page.textContent('#login-qr-code');
    expect(firstCode).toMatch(/^\d{3} \d{3}$/);
    await page.clock.fastForward('05:01');
    await expect.poll(() => page.textContent('#qr-status')).toContain('verlopen');
    expect(await page.isVisible('.qr-expired')).toBe(true);
    await page.click('#login-qr');
    await expect.poll(() => page.isVisible('.qr-expired')).toBe(false);
    expect(await page.getAttribute('#login-qr img', 'src')).not.toBe(first);
    // The new QR's own confirmation code replaces the old one beside it (QR-jacking, issue 15 item 1).
    const code = await page.textContent('#login-qr-code');
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(code).not.toBe(firstCode);
    expect(await page.textContent('#qr-status')).toMatch(/^Nog [45]:\d\d geldig$/);
    await page.close();
  }, 30_000);

  it('shows a login QR voided by a wrong confirmation code as void, and a click gives a new one', async () => {
    const { browser, portal } = world();
    const page = await browser.newPage();
    await page.goto(`${portal.url}/`);
    const src = (await page.getAttribute('#login-qr img', 'src'))!;
    const { code } = parseQrPayload(decodeQrPng(pngFromDataUrl(src)), 'login');
    // What a phone's wrong code does to the QR (portal/login-qr.test.ts drives that over HTTP).
    expect(await portal.store.voidLoginQr(code, Date.now())).toBe(true);
    await expect.poll(() => page.textContent('#qr-status')).toContain('ERR_MOBILE_LOGIN_CODE_VOID');
    expect(await page.isVisible('.qr-expired')).toBe(true);
    await page.click('#login-qr');
    await expect.poll(() => page.isVisible('.qr-expired')).toBe(false);
    expect(await page.getAttribute('#login-qr img', 'src')).not.toBe(src);
    await expect.poll(() => page.textContent('#qr-status')).toMatch(/^Nog [45]:\d\d geldig$/);
    await page.close();
  }, 30_000);
});
