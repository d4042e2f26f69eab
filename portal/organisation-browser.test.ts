// Manual §6 in a real Chromium, start to finish: the operator registers the organisation on its page,
// the administrator clicks "Ik wil een organisatie valideren", the (fake) desktop app signs with the
// lab's Z card, the administrator confirms and gives a birth date, the app's screen shows the
// enrolment QR, the simulated Mobile App scans it from a screenshot and activates a Mobiel ID, and then
// logs the administrator in by scanning the login QR from a screenshot of the landing page.
import { describe, expect, it } from 'vitest';
import { createMobileApp } from '../test/fakes/mobile-app';
import { organisationAnswerSchema } from './organisation';
import { chromiumAvailable, pageProblems, useBrowserPortal } from './test/browser-portal';
import { LINDE, OPERATOR_TOKEN } from './test/org-flow';

const available = chromiumAvailable('organisation-browser.test.ts', 'organisation browser test');

describe.skipIf(!available)('organisation validation in Chromium', () => {
  const world = useBrowserPortal({ name: 'zorgid-portal-org-browser-', signAfterMs: 200, operatorToken: OPERATOR_TOKEN });

  it('operator → UZI-pas → birth date → QR screenshot → Mobile App → login QR screenshot → Administrator', async () => {
    const { browser, portal, sessions } = world();
    const page = await browser.newPage();
    const problems = pageProblems(page);

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
