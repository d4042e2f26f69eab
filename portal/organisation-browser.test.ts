// Manual §6 in a real Chromium, start to finish: the operator registers the organisation on its page,
// the administrator clicks "Ik wil een organisatie valideren", the (fake) desktop app signs with the
// lab's Z card, the administrator confirms and gives a birth date, the app's screen shows the
// enrolment QR, the simulated Mobile App scans it from a screenshot and activates a Mobiel ID, and then
// logs the administrator in by scanning the login QR from a screenshot of the landing page.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffRequestSchema } from '../src/shared/handoff-token';
import { createMobileApp } from '../test/fakes/mobile-app';
import { organisationAnswerSchema } from './organisation';
import { createPortal, type Portal } from './server';
import { labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from './test/lab-tokens';
import { LINDE, OPERATOR_TOKEN } from './test/org-flow';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM} (CI=true): the organisation browser test must run`);
if (!available) console.warn(`organisation-browser.test.ts skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

let dir: string;
let portal: Portal;
let fakeApp: Server;
let browser: Browser;
/** What the fake desktop app got back per request: the card session id for the back-channel. */
const sessions = new Map<string, string>();

describe.skipIf(!available)('organisation validation in Chromium', () => {
  beforeAll(async () => {
    const pki = await loadLab();
    dir = mkdtempSync(join(tmpdir(), 'zorgid-portal-org-browser-'));
    fakeApp = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const origin = url.searchParams.get('portal') ?? '';
      const id = url.searchParams.get('request') ?? '';
      const request = handoffRequestSchema.parse(await (await fetch(`${origin}/api/handoff/${id}`)).json());
      const bc = newBrowserCode();
      res.writeHead(303, { location: `${origin}/handoff/${id}/wait?bc=${bc}` }).end();
      setTimeout(async () => {
        const token = signLabToken({ pki, card: 'Z-huisarts', request, browserCode: bc });
        const answer = (await (await fetch(`${origin}/api/handoff/${id}/token`, { method: 'POST', body: JSON.stringify(token) })).json()) as { sessionId: string };
        sessions.set(id, answer.sessionId);
      }, 200);
    });
    await new Promise<void>((resolve) => fakeApp.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(fakeApp.address() as AddressInfo).port}`;
    portal = await createPortal({ dbPath: join(dir, 'portal.sqlite'), trust: { ...labTrust(pki), crls: labCrls(pki) }, appUrl, operatorToken: OPERATOR_TOKEN });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    fakeApp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('operator → UZI-pas → birth date → QR screenshot → Mobile App → login QR screenshot → Administrator', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

    await page.goto(`${portal.url}/operator`);
    await page.fill('#token', OPERATOR_TOKEN);
    await page.fill('#ura', LINDE.ura);
    await page.fill('#name', LINDE.name);
    await page.fill('#street', LINDE.street);
    await page.fill('#postcode', '3511ab');
    await page.fill('#city', LINDE.city);
    await page.click('#create-registration');
    await expect.poll(() => page.textContent('#created')).toContain('Organisatieregistratie aangemaakt');

    await page.goto(`${portal.url}/`);
    await page.click('#validate-organisation');
    await page.fill('#ura', LINDE.ura);
    await page.click('#next');
    // Without the checkbox the page says so beside it.
    await expect.poll(() => page.textContent('[data-error-for="gelezen"]')).toContain('Vink aan');
    // That page came with status 400 on purpose, which Chromium logs; nothing else may.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    problems.length = 0;
    await page.check('#gelezen');
    await page.click('#next');
    await page.waitForURL(/\/organisatie\/validatie\/[A-Za-z0-9_-]{22}$/, { timeout: 10_000 });
    const id = /validatie\/([A-Za-z0-9_-]{22})$/.exec(page.url())![1]!;
    expect(await page.textContent('#organisation')).toContain('Lindelaan 12, 3511 AB Utrecht');
    await page.click('#next');
    expect(await page.textContent('#holder')).toContain('Anna Maria de Vries');
    await page.fill('#geboortedatum', '1980-04-12');
    await page.click('#next');
    expect(await page.isVisible('#play-store')).toBe(true);
    await page.click('#next');
    await expect.poll(() => page.textContent('h1')).toBe('Scan de QR-code in ZORG-ID Desktop');

    // The desktop app fetches the enrolment QR over the back-channel and shows it on its own screen.
    const answer = organisationAnswerSchema.parse(
      await (await fetch(`${portal.url}/api/handoff/${id}/organisation`, { headers: { authorization: `Bearer ${sessions.get(id)}` } })).json(),
    );
    const appScreen = await browser.newPage();
    await appScreen.setContent(
      `<main style="font-family:sans-serif;padding:24px"><h1>${answer.organisation.name}</h1><p>${answer.enrolment!.holderName} · geldig tot ${answer.enrolment!.expiresAt}</p>` +
        `<img src="${answer.enrolment!.qrDataUrl}" width="320" height="320" alt="QR-code"></main>`,
    );
    const mobile = createMobileApp({ trustedPortals: [portal.origin] });
    const identity = await mobile.enrol({ png: new Uint8Array(await appScreen.screenshot()) }, '1980-04-12');
    expect(identity.role).toBe('Administrator');
    expect(mobile.scanned[0]).toMatch(/^zorgid:\/\/enrol\?portal=[^&]+&code=[A-Za-z0-9_-]{24}$/);
    await appScreen.close();

    // The portal page notices the activation by itself.
    await expect.poll(() => page.textContent('#activated'), { timeout: 5_000 }).toContain('is aangemaakt en actief');
    await page.click('#to-login');
    await page.waitForSelector('#login-qr img');
    await mobile.login({ png: new Uint8Array(await page.screenshot()) });
    await page.waitForURL(/\/ingelogd$/, { timeout: 5_000 });
    const table = (await page.textContent('#memberships'))?.replace(/\s+/g, ' ');
    expect(table).toContain('TEST Huisartsenpraktijk De Linde');
    expect(table).toContain('Administrator');
    expect(await page.textContent('h1')).toBe('Welkom, Anna Maria de Vries');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
