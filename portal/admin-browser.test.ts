// The administration pages in a real Chromium, with the portal's own script: a beheerder logs in with
// the Mobile App, registers a user at the desk with "QR-code tonen in ZORG-ID Desktop" (a small
// loopback server plays the desktop app: back-channel fetch, 303 to the wait page, the QR fetched once),
// the simulator scans that QR and the user logs in; then an administrator walks the lost-PIN pages and
// the reinstalled app scans the new QR from a screenshot of the page.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffRequestSchema } from '@zorgid/protocol';
import { createMobileApp, pngFromDataUrl, type MobileApp } from '../test/fakes/mobile-app';
import type { SmartcardRecord } from './store/store';
import { ORG_A, T0, createAdminWorld, type AdminWorld } from './test/admin-fixture';
import { newBrowserCode } from '../test/card-lab/lab-tokens';
import { TestBrowser } from './test/org-flow';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM} (CI=true): the administration browser test must run`);
if (!available) console.warn(`admin-browser.test.ts skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

let world: AdminWorld;
let fakeApp: Server;
let browser: Browser;
/** What the fake desktop app showed full-screen (it keeps nothing else). */
const shown: Array<{ user: { name: string; zorgIdId: string }; enrolment: { payload: string; qrDataUrl: string } }> = [];

describe.skipIf(!available)('administration pages in Chromium', () => {
  beforeAll(async () => {
    fakeApp = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const origin = url.searchParams.get('portal') ?? '';
      const id = url.searchParams.get('request') ?? '';
      const request = handoffRequestSchema.parse(await (await fetch(`${origin}/api/handoff/${id}`)).json());
      res.writeHead(303, { location: `${origin}/handoff/${id}/wait?bc=${newBrowserCode()}` }).end();
      if (request.purpose !== 'enrol-user') return;
      setTimeout(async () => {
        const answer = await fetch(`${origin}/api/handoff/${id}/enrolment`);
        if (answer.ok) shown.push((await answer.json()) as (typeof shown)[number]);
      }, 200);
    });
    await new Promise<void>((resolve) => fakeApp.listen(0, '127.0.0.1', resolve));
    world = await createAdminWorld({ appUrl: `http://127.0.0.1:${(fakeApp.address() as AddressInfo).port}` });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
    fakeApp?.close();
  });

  async function loginInChromium(mobile: MobileApp): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(`${world.portal.url}/`);
    const src = await page.locator('#login-qr img').getAttribute('src');
    await mobile.login({ png: pngFromDataUrl(src!) });
    await page.waitForURL('**/ingelogd', { timeout: 10_000 });
    return page;
  }

  it('a beheerder registers a user at the desk; the QR appears only in the desktop app; the user logs in', async () => {
    const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder', name: ['Bea', 'Beheer'], login: false });
    const page = await loginInChromium(beheerder.mobile);
    await page.click('#admin');
    await page.click('#new-user');
    await page.selectOption('#organisatie', ORG_A.ura);
    await page.fill('#voornaam', 'Daan');
    await page.fill('#achternaam', "d'Ancona-Ruiz");
    await page.fill('#geboortedatum', '1995-09-09');
    await page.click('#save-desktop');
    await page.waitForURL('**/beheer/inschrijving/**', { timeout: 10_000 });
    expect(await page.textContent('#desktop-sent')).toContain("ZORG-ID Desktop toont de QR-code voor Daan d'Ancona-Ruiz");
    expect(await page.content()).not.toContain('data:image/png');
    expect(shown).toHaveLength(1);
    const phone = createMobileApp();
    const id = await phone.enrol({ png: pngFromDataUrl(shown[0]!.enrolment.qrDataUrl) }, '1995-09-09');
    expect(id).toMatchObject({ name: "Daan d'Ancona-Ruiz", role: 'Gebruiker', zorgIdId: shown[0]!.user.zorgIdId });
    await world.login(new TestBrowser(() => world.portal), phone);
    await page.close();
  }, 30_000);

  it('an administrator runs the lost-PIN flow; the reinstalled app scans the new QR from the page', async () => {
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator', name: ['Anna', 'Admin'], login: false });
    const employee = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', name: ['Piet', 'Pincode'] });
    const page = await loginInChromium(admin.mobile);
    await page.goto(`${world.portal.url}/beheer/organisaties/${ORG_A.ura}/gebruikers`);
    await page.click(`tr[data-person="${employee.person.id}"] a`);
    await page.click('#lost-pin');
    await page.click('#step-block');
    await expect.poll(() => page.getAttribute('li[data-step="revoke"]', 'data-state')).toBe('nu');
    await page.click('#step-revoke');
    await expect.poll(() => page.getAttribute('li[data-step="new-certificate"]', 'data-state')).toBe('nu');
    await page.click('#step-new-certificate');
    // The camera: a screenshot of the QR on the page.
    const png = new Uint8Array(await page.locator('#enrolment-qr').screenshot());
    await expect(world.login(new TestBrowser(() => world.portal), employee.mobile)).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_REVOKED' });
    const reinstalled = createMobileApp();
    expect(await reinstalled.enrol({ png }, '1980-04-12')).toMatchObject({ zorgIdId: employee.person.id });
    await world.login(new TestBrowser(() => world.portal), reinstalled);
    await page.click('#close');
    expect(await page.textContent('[data-field="status"]')).toContain('Actief');
    await page.close();
  }, 30_000);

  it('a beheerder blocks, unblocks and removes a ZORG-ID Smartcard account through the pages', async () => {
    const card: SmartcardRecord = {
      id: 'sc-BROWSERBROWSERBROWSE',
      uziNumber: '900016550',
      ura: ORG_A.ura,
      personId: null,
      name: 'Sanne Smartcard',
      certSha256: '9a'.repeat(32),
      certDer: 'MA==',
      serialHex: '4f1e2d3c4b5a69788796a5b4c3d2e1f0',
      status: 'pending',
      activationChallenge: 'w'.repeat(43),
      createdAt: T0,
      activatedAt: null,
      blockReason: null,
      blockedAt: null,
      removedAt: null,
    };
    expect(await world.portal.store.createSmartcard(card)).toBe(true);
    expect(await world.portal.store.setSmartcardStatus(card.id, ['pending'], 'active', T0)).toBe(true);
    const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder', name: ['Bram', 'Beheer'], login: false });
    const page = await loginInChromium(beheerder.mobile);
    const row = page.locator(`tr[data-smartcard="${card.id}"]`);
    const status = row.locator('[data-field="smartcard-status"]');
    await page.goto(`${world.portal.url}/beheer/organisaties/${ORG_A.ura}/gebruikers`);
    expect(await status.textContent()).toBe('Actief');
    expect(await row.locator('[data-field="serial"]').textContent()).toBe(card.serialHex);

    await row.getByRole('link', { name: /^Blokkeren:/ }).click();
    await page.getByRole('heading', { level: 1, name: 'ZORG-ID Smartcard blokkeren' }).waitFor();
    // No reason chosen: the error stands beside the field; nothing changed.
    await page.click('#confirm');
    expect(await page.textContent('#reden-error')).toBe('Kies een reden uit de lijst.');
    expect(await page.getAttribute('#reden', 'aria-invalid')).toBe('true');
    await page.getByLabel('Reden').selectOption('verdachte-activiteit');
    await page.click('#confirm');
    await page.waitForURL('**/gebruikers?melding=smartcard-geblokkeerd#smartcards');
    expect(await page.textContent('#notice')).toContain('De ZORG-ID Smartcard is geblokkeerd.');
    expect(await status.textContent()).toBe('Geblokkeerd — Verdachte activiteit');
    if (process.env.PORTAL_SCREENSHOTS === '1') {
      mkdirSync('docs/screenshots', { recursive: true });
      writeFileSync('docs/screenshots/portal-smartcard-admin.png', await page.screenshot({ fullPage: true }));
    }

    await row.getByRole('link', { name: /^Deblokkeren:/ }).click();
    expect(await page.textContent('h1')).toBe('ZORG-ID Smartcard deblokkeren');
    await page.click('#confirm');
    await page.waitForURL('**melding=smartcard-gedeblokkeerd**');
    expect(await status.textContent()).toBe('Actief');

    await row.getByRole('link', { name: /^Verwijderen:/ }).click();
    expect(await page.textContent('main, body')).toContain('Dit is definitief en kan niet ongedaan worden gemaakt');
    await page.click('#confirm');
    await page.waitForURL('**melding=smartcard-verwijderd**');
    expect(await status.textContent()).toMatch(/^Verwijderd \(/);
    expect(await row.getByRole('link').count()).toBe(0);
    expect(await world.portal.store.getSmartcard(card.id)).toMatchObject({ status: 'removed' });
    const done = (await world.portal.store.listAudit()).filter((a) => (a.detail as { smartcard?: string } | null)?.smartcard === card.id && a.outcome === 'ok');
    expect(done.map((a) => a.action).reverse()).toEqual(['admin.smartcard.user.block', 'admin.smartcard.user.unblock', 'admin.smartcard.user.remove']);
    await page.close();
  }, 30_000);
});
