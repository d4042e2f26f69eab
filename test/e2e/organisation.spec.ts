// Issue 6 end to end with the real app: the operator registers the organisation (API), the
// administrator starts "Ik wil een organisatie valideren" in Chromium, the preview app shows which
// portal asks to validate which organisation beside the card in the reader, the PIN goes to the card
// lab's virtual Z card, the app shows the enrolment QR, the Mobile App simulator decodes it from a
// screenshot of the app page and redeems it, and the administrator logs in with the simulator via the
// login QR and sees the organisation with role Administrator. Also: the existing-Mobiel-ID branch
// (active at once) and an M card refused in the app before any PIN. Run under
// `flock /tmp/zorgid-lab.lock` (the vpcd readers are shared); without pcscd + vpcd it skips, with
// CI=true it fails.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Portal } from '../../portal/server';
import { enrolEarlierMobielId, LINDE, OPERATOR_TOKEN, registerOrganisation } from '../../portal/test/org-flow';
import { createMobileApp } from '../fakes/mobile-app';
import { expect, invokeInPage, shot, test } from './fixtures';
import { hostOf, LAB_HOLDER as HOLDER, LAB_PIN, noViolations, openApp as openLabApp, requireCardLab, startLabApp, type LabApp } from './lab-app';

requireCardLab('organisation E2E');
test.describe.configure({ timeout: 90_000 });

const BIRTH_DATE = '1980-04-12';

let lab: LabApp;
/** Portal A: the new-Mobiel-ID branch (and the M card, which leaves the registration pending). */
let portalA: Portal;
/** Portal B: the holder already has a Mobiel ID there. */
let portalB: Portal;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  lab = await startLabApp({ portals: [{ name: 'a', operatorToken: OPERATOR_TOKEN }, { name: 'b', operatorToken: OPERATOR_TOKEN }] });
  [portalA, portalB] = lab.portals as [Portal, Portal];
  for (const portal of [portalA, portalB]) expect((await registerOrganisation(portal)).status).toBe(201);
});

test.afterAll(async () => {
  await lab?.close();
});

/** The app window with `card` read in reader 0 (an M card shows no holder, only its card type). */
const openApp = (browser: Browser, card: 'Z' | 'M', lang: 'nl' | 'en'): Promise<{ ctx: BrowserContext; page: Page }> =>
  openLabApp(browser, lab.app, { card, lang, holderText: card === 'Z' ? HOLDER : 'UZI' });

/** The administrator: "Ik wil een organisatie valideren" → URA + checkbox → Volgende → the app. */
async function startValidation(browser: Browser, portal: Portal): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ locale: 'nl-NL' });
  const page = await ctx.newPage();
  await page.goto(`${portal.url}/`);
  await page.click('#validate-organisation');
  await page.fill('#ura', LINDE.ura);
  await page.check('#gelezen');
  await page.click('#next');
  return { ctx, page };
}

test('an M card is refused in the app before the PIN (EN), with the organisation and the card side by side', async ({ browser }) => {
  const { ctx, page: appPage } = await openApp(browser, 'M', 'en');
  const admin = await startValidation(browser, portalA);
  const request = appPage.locator('section[data-step="request"]');
  await expect(request.locator('h1')).toHaveText(`${hostOf(portalA.url)} asks you to validate your organisation`, { timeout: 15_000 });
  await expect(request.getByTestId('org-name')).toHaveText(LINDE.name);
  await expect(request.getByTestId('org-ura')).toHaveText(LINDE.ura);
  await expect(request.getByTestId('card-type')).toHaveText('M');
  await expect(request.getByTestId('org-verdict')).toContainText('Card type M: this card cannot validate an organisation');
  await noViolations(appPage, 'validation request, M card (EN)');
  await shot(appPage, '40-org-request-m-card-en');

  await request.getByRole('button', { name: 'Continue' }).click();
  const failed = appPage.locator('section[data-step="failed"]');
  await expect(failed).toContainText('ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED', { timeout: 15_000 });
  await expect(failed.locator('h1')).toHaveText('Validation failed');
  await expect(failed.getByTestId('card-type')).toHaveText('M');
  // Never a PIN dialog on the way.
  await expect(appPage.locator('section[data-step="pin"]')).toHaveCount(0);
  await noViolations(appPage, 'validation refused, M card (EN)');
  await shot(appPage, '41-org-refused-m-card-en');
  // The portal's wait page hears the cancel; the registration is still pending for the next test.
  await expect(admin.page.locator('body')).toContainText(/geannuleerd|afgebroken|mislukt/i, { timeout: 10_000 });
  await admin.ctx.close();
  await ctx.close();
});

test('validate with the Z card → QR in the app → simulator scans the app screenshot → administrator logs in (NL)', async ({ browser }) => {
  const { ctx, page: appPage } = await openApp(browser, 'Z', 'nl');
  const started = Date.now();
  const admin = await startValidation(browser, portalA);

  const request = appPage.locator('section[data-step="request"]');
  await expect(request.locator('h1')).toHaveText(`${hostOf(portalA.url)} vraagt u uw organisatie te valideren`, { timeout: 15_000 });
  await expect(request.getByTestId('org-name')).toHaveText(LINDE.name);
  await expect(request.getByTestId('org-ura')).toHaveText(LINDE.ura);
  await expect(request.getByTestId('card-holder')).toHaveText(HOLDER);
  await expect(request.getByTestId('card-ura')).toHaveText(LINDE.ura);
  await expect(request.getByTestId('org-verdict')).toHaveAttribute('data-match', 'true');
  await expect(request.getByTestId('org-verdict')).toContainText('Het URA-nummer op de pas komt overeen met de organisatie.');
  await noViolations(appPage, 'validation request (NL)');
  await shot(appPage, '42-org-request');

  await request.getByRole('button', { name: 'Doorgaan' }).click();
  const pin = appPage.locator('section[data-step="pin"]');
  await expect(pin).toBeVisible({ timeout: 15_000 });
  await expect(pin.getByTestId('org-compare')).toContainText(LINDE.name);
  await noViolations(appPage, 'validation PIN (NL)');
  await shot(appPage, '43-org-pin');
  await appPage.getByLabel('Pincode', { exact: true }).fill(LAB_PIN);
  await appPage.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(appPage.locator('section[data-step="waiting"]')).toBeVisible({ timeout: 20_000 });
  await noViolations(appPage, 'validation waiting (NL)');
  await shot(appPage, '44-org-waiting');

  // The administrator in the browser: organisation data → Volgende → birth date → app links → code.
  const page = admin.page;
  await page.waitForURL(/\/organisatie\/validatie\/[A-Za-z0-9_-]{22}$/, { timeout: 15_000 });
  await expect(page.locator('#organisation')).toContainText('Lindelaan 12');
  await page.click('#next');
  await expect(page.locator('#holder')).toContainText(HOLDER);
  await page.fill('#geboortedatum', BIRTH_DATE);
  await page.click('#next');
  await expect(page.locator('#play-store')).toBeVisible();
  await page.click('#next');

  // The app polls and shows the QR full-screen.
  const qr = appPage.locator('section[data-step="enrolment"]');
  await expect(qr).toBeVisible({ timeout: 10_000 });
  const qrShownAt = Date.now();
  await expect(qr.getByTestId('qr-name')).toHaveText(`Voor ${HOLDER}`);
  await expect(qr.getByTestId('qr-organisation')).toHaveText(`Organisatie: ${LINDE.name} (URA ${LINDE.ura})`);
  await expect(qr.getByTestId('qr-days')).toHaveText('Nog 10 dagen geldig');
  await expect(qr.getByTestId('qr-expires')).toContainText(/Geldig tot \w+dag \d{1,2} \w+ \d{4} om \d{2}:\d{2}/);
  await expect(qr.getByTestId('qr-once')).toContainText('Wordt maar één keer getoond');
  await expect(qr.getByRole('button', { name: 'Afdrukken' })).toBeVisible();
  await noViolations(appPage, 'enrolment QR (NL)');
  await shot(appPage, '45-org-qr');
  // Print: only the QR card.
  await appPage.emulateMedia({ media: 'print' });
  await expect(qr.getByRole('button', { name: 'Afdrukken' })).toBeHidden();
  await expect(qr.getByTestId('qr-once')).toBeHidden();
  await expect(qr.getByTestId('qr-card')).toBeVisible();
  await shot(appPage, '46-org-qr-print');
  await appPage.emulateMedia({ media: 'screen' });

  // The Mobile App simulator's camera: a screenshot of the app page.
  const mobile = createMobileApp({ trustedPortals: [portalA.origin] });
  const identity = await mobile.enrol({ png: new Uint8Array(await appPage.screenshot()) }, BIRTH_DATE);
  expect(identity).toMatchObject({ role: 'Administrator', organisation: { ura: LINDE.ura } });
  expect(mobile.scanned[0]).toMatch(/^zorgid:\/\/enrol\?portal=[^&]+&code=[A-Za-z0-9_-]{24}$/);
  const redeemedAt = Date.now();

  await expect(page.locator('#activated')).toContainText('is aangemaakt en actief', { timeout: 10_000 });
  await page.click('#to-login');
  await page.waitForSelector('#login-qr img');
  // The person confirms only when the phone shows this portal and the code beside the QR (QR-jacking).
  const pageCode = await page.textContent('#login-qr-code');
  expect(pageCode).toMatch(/^\d{3} \d{3}$/);
  await mobile.login({ png: new Uint8Array(await page.screenshot()) }, (prompt) => {
    expect(prompt).toMatchObject({ portal: portalA.origin, confirmCode: pageCode });
    return prompt.confirmCode;
  });
  await page.waitForURL(/\/ingelogd$/, { timeout: 10_000 });
  const table = (await page.textContent('#memberships'))?.replace(/\s+/g, ' ');
  expect(table).toContain(LINDE.name);
  expect(table).toContain('Administrator');
  await shot(page, '47-org-portal-administrator');
  console.log(`organisation: start → QR in app ${qrShownAt - started} ms; QR → redeemed ${redeemedAt - qrShownAt} ms; total ${Date.now() - started} ms`);

  // Sluiten: the QR leaves the screen and main's memory.
  await qr.getByRole('button', { name: 'Sluiten' }).click();
  // The simulator redeemed it already, so the next poll finds the organisation active.
  const done = appPage.locator('section[data-step="done"]');
  await expect(done).toContainText('Organisatie gevalideerd', { timeout: 10_000 });
  await expect(done).toContainText('De organisatie is actief en u bent de Administrator.');
  await shot(appPage, '49-org-done-after-qr');
  const state = JSON.stringify(await invokeInPage(appPage, 'handoff:state'));
  expect(state).not.toContain('data:image');
  expect(state).not.toContain('zorgid://');
  await noViolations(appPage, 'QR closed (NL)');
  await admin.ctx.close();
  await ctx.close();
});

test('existing Mobiel ID: the organisation is active at once, no QR', async ({ browser }) => {
  // The holder activated a Mobiel ID at portal B earlier as Gebruiker of another organisation.
  await enrolEarlierMobielId(portalB, createMobileApp(), { now: Date.now(), birthDate: BIRTH_DATE });

  const { ctx, page: appPage } = await openApp(browser, 'Z', 'nl');
  const admin = await startValidation(browser, portalB);
  const request = appPage.locator('section[data-step="request"]');
  await expect(request.getByTestId('org-verdict')).toHaveAttribute('data-match', 'true', { timeout: 15_000 });
  await request.getByRole('button', { name: 'Doorgaan' }).click();
  await appPage.getByLabel('Pincode', { exact: true }).fill(LAB_PIN);
  await appPage.getByRole('button', { name: 'Bevestigen' }).click();
  await expect(appPage.locator('section[data-step="waiting"]')).toBeVisible({ timeout: 20_000 });
  await admin.page.waitForURL(/\/organisatie\/validatie\/[A-Za-z0-9_-]{22}$/, { timeout: 15_000 });
  await admin.page.click('#next');
  const done = appPage.locator('section[data-step="done"]');
  await expect(done).toContainText('Organisatie gevalideerd', { timeout: 10_000 });
  await expect(done).toContainText('De organisatie is actief en u bent de Administrator.');
  await expect(appPage.locator('section[data-step="enrolment"]')).toHaveCount(0);
  await noViolations(appPage, 'organisation active (NL)');
  await shot(appPage, '48-org-active-existing');
  await admin.ctx.close();
  await ctx.close();
});
