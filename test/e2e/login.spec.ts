// The workstation login end to end (issue 5 "Done when"): the reference portal in Chromium → the app's
// loopback listener → the preview app's request screen and PIN dialog → the card signs → the portal
// page shows the holder. The card is the card lab's virtual PIV card through pcscd + OpenSC, whose PIN
// counter is real (wrong PINs and the block are counted by the card, not by the app). Run under
// `flock /tmp/zorgid-lab.lock` (the vpcd readers are shared). Without pcscd + vpcd the whole file
// skips with a message; with CI=true it fails instead.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Portal } from '../../portal/server';
import { openAppStore } from '../../src/main/core/store';
import { expect, invokeInPage, shot, test } from './fixtures';
import { hostOf, LAB_HOLDER as HOLDER, LAB_PIN, labReader, noViolations, openApp, requireCardLab, startLabApp, startLogin, type LabApp } from './lab-app';

requireCardLab('login E2E (real PIN counter)');
test.describe.configure({ timeout: 60_000 });

// Distinct from anything else in the audit log, so the "no PIN in the audit log" check can find it.
const WRONG_PIN = '97531864';
const READER = labReader(0);
// Per test run, not per worker: a worker restarted after a failure must add to the same audit log,
// which the last test checks. The runner's pid names the run.
const DATA_DIR = join(tmpdir(), `zorgid-e2e-login-${process.ppid}`);
mkdirSync(DATA_DIR, { recursive: true });

let lab: LabApp;
let portal: Portal;
/** A second portal the app also allows, which one test takes down while the app still needs it. */
let spare: Portal;
/** The portal's clock is ours: a test may move it to make a request expire. */
let portalOffsetMs = 0;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  lab = await startLabApp({ dataDir: DATA_DIR, portals: [{ name: 'portal', clock: () => Date.now() + portalOffsetMs }, { name: 'spare' }] });
  [portal, spare] = lab.portals as [Portal, Portal];
});

test.afterAll(async () => {
  await lab?.close();
});

test.afterEach(() => {
  portalOffsetMs = 0;
});

/** The app window with the Z card read, and the portal in a browser context of its own on the login's wait page. */
async function loginStarted(browser: Browser, portalUrl = portal.url): Promise<{ ctx: BrowserContext; appPage: Page; portalPage: Page; id: string }> {
  const { ctx, page: appPage } = await openApp(browser, lab.app, { card: 'Z' });
  const portalPage = await (await browser.newContext()).newPage();
  const id = await startLogin(portalPage, portalUrl);
  return { ctx, appPage, portalPage, id };
}

async function confirmRequest(appPage: Page, host: string): Promise<void> {
  const screen = appPage.locator('section[data-step="request"]');
  await expect(screen.locator('h1')).toHaveText(`${host} vraagt u in te loggen`, { timeout: 10_000 });
  await expect(screen).toContainText(`${HOLDER} — ${READER}`);
  await screen.getByRole('button', { name: 'Doorgaan' }).click();
  await expect(appPage.locator('section[data-step="pin"]')).toBeVisible({ timeout: 15_000 });
}

async function typePin(appPage: Page, pin: string): Promise<void> {
  const field = appPage.getByLabel('Pincode', { exact: true });
  await expect(field).toBeEnabled();
  await field.fill(pin);
  await appPage.getByRole('button', { name: 'Inloggen' }).click();
}

test('portal page → request in the app → PIN → the portal shows the holder; card pulled → logged out within 2 s', async ({ browser }) => {
  const { ctx, page: appPage } = await openApp(browser, lab.app, { card: 'Z' });
  const portalCtx = await browser.newContext({ locale: 'nl-NL' });
  const portalPage = await portalCtx.newPage();
  const started = Date.now();
  await startLogin(portalPage, portal.url);

  const request = appPage.locator('section[data-step="request"]');
  await expect(request.locator('h1')).toHaveText(`${hostOf(portal.url)} vraagt u in te loggen`, { timeout: 10_000 });
  await expect(request).toContainText(`${HOLDER} — ${READER}`);
  await expect(request).toContainText('Uw pincode voert u alleen hier in, nooit in de browser.');
  await noViolations(appPage, 'request screen');
  await shot(appPage, '30-login-request');

  await request.getByRole('button', { name: 'Doorgaan' }).click();
  const pin = appPage.locator('section[data-step="pin"]');
  await expect(pin).toBeVisible({ timeout: 15_000 });
  await expect(pin).toContainText(`Pincode van de pas van ${HOLDER} (${READER}).`);
  await expect(appPage.getByLabel('Pincode', { exact: true })).toHaveAttribute('type', 'password');
  await noViolations(appPage, 'PIN dialog');
  await shot(appPage, '31-login-pin');

  // The dialog's own check: too short never reaches the card.
  await typePin(appPage, '123');
  await expect(pin.getByRole('alert')).toHaveText('Een pincode bestaat uit 6 tot 8 cijfers.');

  const typedAt = Date.now();
  await typePin(appPage, LAB_PIN);
  const done = appPage.locator('section[data-step="done"]');
  await expect(done).toContainText('U bent ingelogd', { timeout: 20_000 });
  await expect(done).toContainText(`U bent ingelogd bij ${hostOf(portal.url)}. Ga terug naar uw browser.`);
  const appDoneAt = Date.now();
  await noViolations(appPage, 'outcome: done');
  await shot(appPage, '34-login-done');

  await portalPage.waitForURL(/\/ingelogd$/, { timeout: 10_000 });
  const portalDoneAt = Date.now();
  const holder = portalPage.locator('#holder');
  await expect(holder.locator('[data-field="name"]')).toHaveText(HOLDER);
  await expect(holder.locator('[data-field="uziNumber"]')).toHaveText('900016528');
  await expect(holder.locator('[data-field="ura"]')).toHaveText('90000382');
  await expect(holder.locator('[data-field="role"]')).toHaveText('Huisarts (01.015)');
  console.log(`login: click → logged-in page ${portalDoneAt - started} ms; PIN submit → app done ${appDoneAt - typedAt} ms, → portal page ${portalDoneAt - typedAt} ms`);

  const pulledAt = Date.now();
  await invokeInPage(appPage, 'demo:remove', { reader: 0 });
  await portalPage.waitForURL(/afgemeld=kaart-verwijderd/, { timeout: 2_000 });
  const loggedOutMs = Date.now() - pulledAt;
  console.log(`login: card pulled → portal session ended and page left in ${loggedOutMs} ms`);
  expect(loggedOutMs).toBeLessThan(2_000);
  const session = await portalPage.request.get(`${portal.url}/api/session`);
  expect(await session.json()).toMatchObject({ active: false });

  await ctx.close();
  await portalCtx.close();
});

test('a wrong PIN, counted by the card, then the right PIN logs in', async ({ browser }) => {
  const { ctx, appPage, portalPage } = await loginStarted(browser);
  await confirmRequest(appPage, hostOf(portal.url));

  await typePin(appPage, WRONG_PIN);
  const pin = appPage.locator('section[data-step="pin"]');
  await expect(pin).toContainText('ERR_PIN_INCORRECT', { timeout: 15_000 });
  // Two tries left: the card raises no flag yet (OpenSC never sets COUNT_LOW for PIV, build-notes.md).
  await expect(pin.getByTestId('pin-final-try')).toHaveCount(0);
  await typePin(appPage, LAB_PIN);
  await expect(appPage.locator('section[data-step="done"]')).toBeVisible({ timeout: 20_000 });
  await portalPage.waitForURL(/\/ingelogd$/, { timeout: 10_000 });
  await expect(portalPage.locator('[data-field="uziNumber"]')).toHaveText('900016528');
  await ctx.close();
  await portalPage.context().close();
});

test('three wrong PINs: final-try warning, then blocked with PUK and lost-PIN guidance (NL and EN)', async ({ browser }) => {
  const { ctx, appPage, portalPage, id } = await loginStarted(browser);
  await confirmRequest(appPage, hostOf(portal.url));
  const pin = appPage.locator('section[data-step="pin"]');

  await typePin(appPage, WRONG_PIN);
  await expect(pin).toContainText('ERR_PIN_INCORRECT', { timeout: 15_000 });
  await expect(pin.getByTestId('pin-final-try')).toHaveCount(0);
  await typePin(appPage, WRONG_PIN);
  // The card's own flag (CKF_USER_PIN_FINAL_TRY), not an app-side count.
  await expect(pin.getByTestId('pin-final-try')).toContainText('Dit is uw laatste poging.', { timeout: 15_000 });
  await expect(pin).toContainText('ERR_PIN_INCORRECT');
  await noViolations(appPage, 'PIN dialog, final try');
  await shot(appPage, '32-login-pin-final-try');

  await typePin(appPage, WRONG_PIN);
  const blocked = appPage.getByTestId('pin-blocked');
  await expect(blocked).toContainText('Uw pincode is geblokkeerd', { timeout: 15_000 });
  await expect(blocked).toContainText('PUK-code');
  await expect(blocked).toContainText('§9');
  await expect(blocked).toContainText('ERR_PIN_LOCKED');
  await noViolations(appPage, 'PIN blocked');
  await shot(appPage, '33-login-pin-blocked');

  await invokeInPage(appPage, 'settings:set', { language: 'en' });
  // A reloaded window asks main for the current screen (handoff:state) and shows it again.
  await appPage.reload();
  await expect(blocked).toContainText('Your PIN is blocked');
  await expect(blocked).toContainText('PUK code');
  await noViolations(appPage, 'PIN blocked (en)');
  await shot(appPage, '33-login-pin-blocked-en');
  await invokeInPage(appPage, 'settings:set', { language: 'nl' });
  await appPage.reload();
  await expect(blocked).toContainText('Uw pincode is geblokkeerd');

  // The portal never logged anyone in.
  if (await appPage.locator('section[data-step="pin-blocked"]').isVisible()) await appPage.getByRole('button', { name: 'Annuleren' }).click();
  await expect.poll(async () => (await portal.store.getHandoff(id))?.state, { timeout: 10_000 }).toMatch(/^(cancelled|failed)$/);
  expect(await (await portalPage.request.get(`${portal.url}/api/session`)).json()).toMatchObject({ active: false });

  // The next login with the same card: the card says LOCKED when read, so the dialog asks no PIN.
  const failed = appPage.locator('section[data-step="failed"]');
  if (await failed.isVisible()) await failed.getByRole('button', { name: 'Sluiten' }).click();
  const second = await startLogin(portalPage, portal.url);
  const request = appPage.locator('section[data-step="request"]');
  await expect(request).toBeVisible({ timeout: 10_000 });
  await request.getByRole('button', { name: 'Doorgaan' }).click();
  const dialog = appPage.locator('section[data-step="pin-blocked"]');
  await expect(dialog.getByTestId('pin-blocked')).toContainText('Uw pincode is geblokkeerd', { timeout: 15_000 });
  await expect(appPage.getByLabel('Pincode', { exact: true })).toHaveCount(0);
  await noViolations(appPage, 'PIN dialog, card blocked when read');
  await shot(appPage, '33-login-pin-dialog-blocked');
  await dialog.getByRole('button', { name: 'Annuleren' }).click();
  await expect(appPage.locator('section[data-step="cancelled"]')).toBeVisible();
  await expect.poll(async () => (await portal.store.getHandoff(second))?.state, { timeout: 5_000 }).toBe('cancelled');
  await ctx.close();
  await portalPage.context().close();
});

test('cancel in the app: the portal request is cancelled and nobody is logged in', async ({ browser }) => {
  const { ctx, appPage, portalPage, id } = await loginStarted(browser);
  const request = appPage.locator('section[data-step="request"]');
  await expect(request).toBeVisible({ timeout: 10_000 });
  await request.getByRole('button', { name: 'Annuleren' }).click();
  await expect(appPage.locator('section[data-step="cancelled"]')).toContainText('Inloggen geannuleerd');
  await noViolations(appPage, 'outcome: cancelled');
  await shot(appPage, '35-login-cancelled');
  await expect.poll(async () => (await portal.store.getHandoff(id))?.state, { timeout: 5_000 }).toBe('cancelled');
  await expect(portalPage.locator('#again')).toBeVisible({ timeout: 5_000 });
  expect(await (await portalPage.request.get(`${portal.url}/api/session`)).json()).toMatchObject({ active: false });
  await ctx.close();
  await portalPage.context().close();
});

test('the request expires while the app shows it: the app says so and nobody is logged in', async ({ browser }) => {
  // The portal issues a request that has only 4 s of its 5 minutes left (the app window does not ask the portal).
  portalOffsetMs = -(5 * 60_000 - 4_000);
  const { ctx, appPage, portalPage, id } = await loginStarted(browser);
  portalOffsetMs = 0;
  await expect(appPage.locator('section[data-step="request"]')).toBeVisible({ timeout: 10_000 });
  const failed = appPage.locator('section[data-step="failed"]');
  await expect(failed).toContainText('ERR_HANDOFF_REQUEST_EXPIRED', { timeout: 10_000 });
  await shot(appPage, '36-login-expired');
  await expect.poll(async () => (await portal.store.getHandoff(id))?.state, { timeout: 5_000 }).not.toBe('done');
  expect(await (await portalPage.request.get(`${portal.url}/api/session`)).json()).toMatchObject({ active: false });
  await ctx.close();
  await portalPage.context().close();
});

test('the card is pulled during PIN entry: the flow ends with ERR_CARD_REMOVED', async ({ browser }) => {
  const { ctx, appPage, portalPage, id } = await loginStarted(browser);
  await confirmRequest(appPage, hostOf(portal.url));
  await appPage.getByLabel('Pincode', { exact: true }).fill('1234');
  await invokeInPage(appPage, 'demo:remove', { reader: 0 });
  const failed = appPage.locator('section[data-step="failed"]');
  await expect(failed).toContainText('ERR_CARD_REMOVED', { timeout: 10_000 });
  await noViolations(appPage, 'outcome: failed');
  await shot(appPage, '37-login-card-pulled');
  await expect.poll(async () => (await portal.store.getHandoff(id))?.state, { timeout: 5_000 }).toBe('cancelled');
  await ctx.close();
  await portalPage.context().close();
});

test('the portal becomes unreachable from the app before the token is posted: the app says so', async ({ browser }) => {
  const { ctx, appPage, portalPage } = await loginStarted(browser, spare.url);
  await confirmRequest(appPage, hostOf(spare.url));
  await spare.close();
  await typePin(appPage, LAB_PIN);
  const failed = appPage.locator('section[data-step="failed"]');
  await expect(failed).toContainText('ERR_PORTAL_UNREACHABLE', { timeout: 20_000 });
  await shot(appPage, '38-login-portal-unreachable');
  await ctx.close();
  await portalPage.context().close();
});

test('login CSRF: a request created in one browser context and handed to the app from another logs neither in', async ({ browser }) => {
  const { ctx, page: appPage } = await openApp(browser, lab.app, { card: 'Z' });
  // The attacker starts a genuine login in their own browser but stops before it reaches the app…
  const attacker = await browser.newContext();
  const attackerPage = await attacker.newPage();
  let handoffUrl = '';
  await attacker.route(`${lab.app.handoffUrl}/**`, async (route) => {
    handoffUrl = route.request().url();
    await route.abort();
  });
  await attackerPage.goto(`${portal.url}/`);
  await attackerPage.click('#login-card');
  await expect.poll(() => handoffUrl, { timeout: 10_000 }).toContain('/handoff?');
  const id = new URL(handoffUrl).searchParams.get('request')!;
  // …and keeps the wait page open, hoping to be logged in as the victim (a fresh tab: the start page
  // keeps retrying the navigation to the app that the attacker blocked).
  await attackerPage.close();
  const attackerWait = await attacker.newPage();
  await attackerWait.goto(`${portal.url}/handoff/${id}/wait`);

  // The victim's browser follows the attacker's link to the app; the victim logs in with their card.
  const victim = await browser.newContext();
  const victimPage = await victim.newPage();
  await victimPage.goto(handoffUrl);
  await victimPage.waitForURL(new RegExp(`/handoff/${id}/wait`), { timeout: 10_000 });
  await confirmRequest(appPage, hostOf(portal.url));
  await typePin(appPage, LAB_PIN);
  await expect(appPage.locator('section[data-step="done"], section[data-step="failed"]')).toBeVisible({ timeout: 20_000 });

  // Neither browser gets a session: the victim lacks the creator session, the attacker lacks bc.
  await expect.poll(async () => (await portal.store.getHandoff(id))?.state, { timeout: 10_000 }).toMatch(/^(signed|done|failed)$/);
  await victimPage.waitForTimeout(1_500);
  for (const page of [attackerWait, victimPage]) {
    expect(page.url()).not.toMatch(/\/ingelogd$/);
    expect(await (await page.request.get(`${portal.url}/api/session`)).json()).toMatchObject({ active: false });
  }
  await attacker.close();
  await victim.close();
  await ctx.close();
});

test('after the suite: the app audit log holds no PIN and its hash chain verifies', async () => {
  const file = join(DATA_DIR, 'app', 'zorgid-desktop.sqlite');
  const store = openAppStore({ path: file, clock: Date.now });
  try {
    const chain = store.verifyAuditChain();
    expect(chain.ok).toBe(true);
    const records = store.listAudit();
    expect(records.length).toBeGreaterThan(10);
    const steps = new Set(records.map((r) => r.record.step));
    for (const step of ['navigate', 'card-read', 'pin', 'signed', 'token-posted', 'card-removed']) expect(steps).toContain(step);
    const text = JSON.stringify(records);
    expect(text).not.toContain(WRONG_PIN);
    expect(text).not.toContain(LAB_PIN);
    expect(text).not.toMatch(/"pin"\s*:/i);
  } finally {
    store.close();
  }
  // The raw bytes too (database, WAL): nothing the app wrote anywhere holds a PIN.
  for (const name of readdirSync(join(DATA_DIR, 'app'))) {
    const bytes = readFileSync(join(DATA_DIR, 'app', name)).toString('latin1');
    expect(bytes, name).not.toContain(WRONG_PIN);
  }
});
