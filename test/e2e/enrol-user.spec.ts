// Issue 7 end to end with the real app: a beheerder, logged in to the reference portal with the Mobile
// App simulator, registers a user at the desk with "QR-code tonen in ZORG-ID Desktop"; the preview
// app fetches the QR once over the back-channel and shows it full-screen; the simulator scans it from
// a screenshot of the app page; the user logs in. Then an administrator runs the lost-PIN flow for
// that user (API: block "apparaat verloren" → revoke → new certificate) and the reinstalled app
// enrols again. No card is involved, so this runs on the in-process demo (no lab lock needed).
import type { Browser, Page } from '@playwright/test';
import { api, createAdminWorld, ORG_A, type AdminWorld } from '../../portal/test/admin-fixture';
import { TestBrowser } from '../../portal/test/org-flow';
import { createMobileApp, pngFromDataUrl, type MobileApp } from '../fakes/mobile-app';
import { expect, invokeInPage, shot, test } from './fixtures';
import { freePort, noViolations as axeNoViolations, openApp as openLabApp, startLabApp, type LabApp } from './lab-app';

test.describe.configure({ timeout: 90_000 });

const BIRTH_DATE = '1995-09-09';

let world: AdminWorld;
let lab: LabApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const handoffPort = await freePort();
  world = await createAdminWorld({ appUrl: `http://127.0.0.1:${handoffPort}` });
  // The world's clock is fixed for its own rules; here the app checks expiry on the real clock.
  world.now.value = Date.now();
  lab = await startLabApp({ cardLab: false, handoffPort, extraArgs: ['--allow-portal', world.portal.origin] });
});

test.afterAll(async () => {
  await lab?.close();
  await world?.close();
});

// The QR screen has fewer elements than the card screens, so fewer axe rules apply.
const noViolations = (page: Page, label: string): Promise<void> => axeNoViolations(page, label, { minPasses: 5 });

const openApp = async (browser: Browser, lang: 'nl' | 'en'): Promise<Page> => (await openLabApp(browser, lab.app, { lang })).page;

/** The beheerder's browser, logged in by the simulator scanning the landing page's login QR (a screenshot). */
async function loginInChromium(browser: Browser, mobile: MobileApp): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'nl-NL' })).newPage();
  await page.goto(`${world.portal.url}/`);
  await page.waitForSelector('#login-qr img');
  // The person confirms only when the phone shows this portal and the code beside the QR (QR-jacking).
  const pageCode = await page.textContent('#login-qr-code');
  const shown = await mobile.login({ png: new Uint8Array(await page.screenshot()) }, (prompt) => {
    expect(prompt).toMatchObject({ portal: world.portal.origin, confirmCode: pageCode });
    return prompt.confirmCode;
  });
  expect(shown.confirmCode).toMatch(/^\d{3} \d{3}$/);
  await page.waitForURL('**/ingelogd', { timeout: 10_000 });
  return page;
}

/** A beheerder registers `name` at the desk with delivery to ZORG-ID Desktop. */
async function registerAtDesk(page: Page, given: string, surname: string): Promise<void> {
  await page.goto(`${world.portal.url}/ingelogd`);
  await page.click('#admin');
  await page.click('#new-user');
  await page.selectOption('#organisatie', ORG_A.ura);
  await page.fill('#voornaam', given);
  await page.fill('#achternaam', surname);
  await page.fill('#geboortedatum', BIRTH_DATE);
  await page.click('#save-desktop');
}

for (const lang of ['nl', 'en'] as const) {
  test(`a beheerder registers a user at the desk → QR full-screen in the app (${lang.toUpperCase()}) → simulator scans the app screenshot → the user logs in; lost-PIN by an administrator`, async ({ browser }) => {
    world.now.value = Date.now();
    const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder', name: ['Bea', `Beheer ${lang}`], login: false });
    const appPage = await openApp(browser, lang);
    const page = await loginInChromium(browser, beheerder.mobile);
    const started = Date.now();
    const surname = lang === 'nl' ? "d'Ancona-Ruiz" : "d'Ancona-Ruiz Engels";
    const name = `Daan ${surname}`;
    await registerAtDesk(page, 'Daan', surname);

    // The app shows the QR full-screen; the browser never gets it.
    const qr = appPage.locator('section[data-step="enrolment"]');
    await expect(qr).toBeVisible({ timeout: 15_000 });
    const shownAt = Date.now();
    await page.waitForURL('**/beheer/inschrijving/**', { timeout: 15_000 });
    await expect(page.locator('#desktop-sent')).toContainText(`ZORG-ID Desktop toont de QR-code voor ${name}`);
    expect(await page.content()).not.toContain('data:image/png');
    // Full-screen: no navigation, no demo panel, only the QR screen.
    await expect(appPage.locator('nav')).toHaveCount(0);
    await expect(qr.getByTestId('qr-name')).toHaveText(lang === 'nl' ? `Voor ${name}` : `For ${name}`);
    await expect(qr.getByTestId('qr-organisation')).toContainText(`${ORG_A.name} (URA ${ORG_A.ura})`);
    await expect(qr.getByTestId('qr-days')).toHaveText(lang === 'nl' ? 'Nog 10 dagen geldig' : '10 days left');
    await expect(qr.getByTestId('qr-expires')).toContainText(lang === 'nl' ? 'Geldig tot' : 'Valid until');
    await noViolations(appPage, `enrol-user QR (${lang})`);
    await shot(appPage, `50-enrol-user-qr-${lang}`);

    // The employee's phone: a screenshot of the app page.
    const phone = createMobileApp({ trustedPortals: [world.portal.origin] });
    const identity = await phone.enrol({ png: new Uint8Array(await appPage.screenshot()) }, BIRTH_DATE);
    expect(identity).toMatchObject({ name, role: 'Gebruiker', organisation: { ura: ORG_A.ura } });
    console.log(`enrol-user (${lang}): save → QR in app ${shownAt - started} ms; total to redeemed ${Date.now() - started} ms`);
    const userBrowser = new TestBrowser(() => world.portal);
    await world.login(userBrowser, phone);
    const me = await api(userBrowser, 'GET', '/api/beheer');
    expect(me.json).toMatchObject({ name });

    // Sluiten: the QR is gone from the screen and from main's memory.
    await qr.getByRole('button', { name: lang === 'nl' ? 'Sluiten' : 'Close' }).click();
    await expect(qr).toHaveCount(0);
    await expect(appPage.locator('nav')).toBeVisible();
    const state = JSON.stringify(await invokeInPage(appPage, 'handoff:state'));
    expect(state).toBe(JSON.stringify({ ok: true, value: { step: 'idle' } }));
    await noViolations(appPage, `after Sluiten (${lang})`);

    // Lost PIN (§9.2) by an administrator of the organisation, over the JSON API.
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator', name: ['Anna', `Admin ${lang}`] });
    const base = `/api/beheer/organisaties/${ORG_A.ura}/gebruikers/${identity.zorgIdId}`;
    expect((await api(admin.browser, 'POST', `${base}/blokkeren`, { reden: 'apparaat-verloren' })).status).toBe(200);
    await expect(world.login(new TestBrowser(() => world.portal), phone)).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_BLOCKED' });
    expect((await api(admin.browser, 'POST', `${base}/intrekken`, { bevestigd: 'ja' })).status).toBe(200);
    const renewed = await api(admin.browser, 'POST', `${base}/certificaat`, {});
    expect(renewed.status).toBe(201);
    await expect(world.login(new TestBrowser(() => world.portal), phone)).rejects.toMatchObject({ code: 'ERR_MOBILE_ID_REVOKED' });
    const qrDataUrl = (renewed.json.enrolment as { qrDataUrl: string }).qrDataUrl;
    const reinstalled = createMobileApp();
    expect(await reinstalled.enrol({ png: pngFromDataUrl(qrDataUrl) }, BIRTH_DATE)).toMatchObject({ zorgIdId: identity.zorgIdId });
    await world.login(new TestBrowser(() => world.portal), reinstalled);
    await page.context().close();
    await appPage.context().close();
  });
}

test('the app shows nothing when the request was already fetched (a second navigation is refused)', async ({ browser }) => {
  world.now.value = Date.now();
  const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder', name: ['Bea', 'Beheer twee'], login: false });
  const appPage = await openApp(browser, 'nl');
  const page = await loginInChromium(browser, beheerder.mobile);
  await registerAtDesk(page, 'Eva', 'Eenmalig');
  const qr = appPage.locator('section[data-step="enrolment"]');
  await expect(qr).toBeVisible({ timeout: 15_000 });
  await qr.getByRole('button', { name: 'Sluiten' }).click();
  // The same navigation again (browser back/refresh): the portal says the request is used.
  const id = /inschrijving\/([A-Za-z0-9_-]{22})/.exec(page.url())?.[1];
  expect(id).toBeDefined();
  const again = await page.request.get(`${lab.app.handoffUrl}/handoff?portal=${encodeURIComponent(world.portal.origin)}&request=${id}`, { maxRedirects: 0 });
  expect(again.status()).toBeGreaterThanOrEqual(400);
  await expect(qr).toHaveCount(0);
  await page.context().close();
  await appPage.context().close();
});
