// ZORG-ID Smartcard end to end (issue 8 "Done when"): in the app window an employee turns a blank
// ZORG-ID Smartcard into their own card with their UZI-pas, then logs in at the portal with it. The
// UZI-pas is the card lab's virtual PIV card in reader 0 (pcscd + vpcd + OpenSC, real PIN counter);
// the blank card is the lab's SoftHSM-backed card in reader 1 (a virtual card with the Smartcard ATR
// that PC/SC sees come and go, its token a SoftHSM2 token in the card host's second module, where the
// key pair is generated). The reference portal certifies with the lab's Smartcard CA. Cards are pulled
// while the flow waits; the blank card must stay reusable. Run under `flock /tmp/zorgid-lab.lock`.
import type { Page } from '@playwright/test';
import type { Portal } from '../../portal/server';
import { loadLab } from '../card-lab/lab-tokens';
import { expect, invokeInPage, shot, test } from './fixtures';
import { hostOf, LAB_HOLDER, LAB_PIN, labReader, noViolations, openApp, requireCardLab, startLabApp, startLogin, type LabApp } from './lab-app';

requireCardLab('ZORG-ID Smartcard E2E');
test.describe.configure({ mode: 'serial', timeout: 90_000 });

const UZI_READER = labReader(0);
const BLANK_READER = labReader(1);
/** The new card PIN (distinct from the lab's UZI PIN, so a mix-up shows). */
const CARD_PIN = '97531864';
const URA = '90000382';

let portal: Portal;
let lab: LabApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const pki = await loadLab();
  lab = await startLabApp({ portals: [{ name: 'portal', smartcardCa: { certDer: pki.smartcardCa.certDer, keyPkcs8Der: pki.smartcardCa.keyPkcs8Der } }] });
  portal = lab.portals[0]!;
  const now = Date.now();
  await portal.store.createRegistration({ ura: URA, name: 'TEST Huisartsenpraktijk De Linde', street: 'Laan 1', postcode: '3511 AB', city: 'Utrecht', status: 'active', createdAt: now, activatedAt: now, administrator: null });
});

test.afterAll(async () => {
  await lab?.close();
});

type View = { step: string; flow?: number; code?: string; rolledBack?: boolean; swap?: unknown; uziPin?: boolean };
const smartcardView = async (page: Page): Promise<View> => ((await invokeInPage(page, 'smartcard:state')) as { value: View }).value;

/** The UZI-pas `card` in reader 0 (read), and this reader's blank Smartcard in reader 1 — a new one out of the box when `fresh`. */
async function openWithCards(browser: Parameters<typeof openApp>[0], card: 'Z' | 'N' | 'M', holderText: string, fresh: boolean) {
  const opened = await openApp(browser, lab.app, { card: card === 'N' ? undefined : card, holderText });
  if (card === 'N') {
    await invokeInPage(opened.page, 'demo:insert', { card: 'N', reader: 0 });
    await expect(opened.page.locator(`section[data-reader="${UZI_READER}"]`)).toContainText(holderText, { timeout: 30_000 });
  }
  await invokeInPage(opened.page, 'demo:insert', { card: 'SC-blank', reader: 1, fresh });
  await expect.poll(async () => blankCertificates(opened.page), { timeout: 30_000 }).toBe(0);
  const view = await smartcardView(opened.page);
  if (view.step === 'done' || view.step === 'failed') await invokeInPage(opened.page, 'smartcard:dismiss', { flow: view.flow });
  return opened;
}

/** How many certificates the card in reader 1 holds, as the app reads it (-1: not readable). */
async function blankCertificates(page: Page): Promise<number> {
  const read = (await invokeInPage(page, 'card:read', { reader: BLANK_READER })) as { ok: boolean; value?: { certificates: unknown[] } };
  return read.ok ? read.value!.certificates.length : -1;
}

/** Opens the Smartcard screen, picks the readers, types the new PIN twice and starts. */
async function startCreation(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'ZORG-ID Smartcard' }).click();
  const screen = page.locator('section.smartcard');
  await expect(screen).toHaveAttribute('data-step', 'idle');
  await page.locator('#smartcard-uzi-reader').selectOption(UZI_READER);
  await page.locator('#smartcard-blank-reader').selectOption(BLANK_READER);
  await page.locator('#smartcard-pin').fill(CARD_PIN);
  await page.locator('#smartcard-pin-repeat').fill(CARD_PIN);
  await screen.getByRole('button', { name: 'Smartcard maken' }).click();
  await expect(screen).toHaveAttribute('data-step', /running|failed|done/);
}

async function waitForUziPin(page: Page): Promise<void> {
  await expect(page.locator('#smartcard-uzi-pin')).toBeVisible({ timeout: 30_000 });
}

async function signWithUzi(page: Page): Promise<void> {
  await page.locator('#smartcard-uzi-pin').fill(LAB_PIN);
  await page.getByRole('button', { name: 'Ondertekenen' }).click();
}

async function expectFailure(page: Page, code: RegExp): Promise<View> {
  const screen = page.locator('section.smartcard');
  await expect(screen).toHaveAttribute('data-step', 'failed', { timeout: 45_000 });
  const view = await smartcardView(page);
  expect(view.code).toMatch(code);
  await expect(screen).toContainText(view.code!);
  return view;
}

test('the UZI-pas pulled while its PIN is asked: creation stops, the blank card is rolled back', async ({ browser }) => {
  const { ctx, page } = await openWithCards(browser, 'Z', LAB_HOLDER, true);
  await startCreation(page);
  await waitForUziPin(page);
  await noViolations(page, 'Smartcard: UZI-pas PIN');
  await shot(page, '60-smartcard-uzi-pin');
  await invokeInPage(page, 'demo:remove', { reader: 0 });
  await expect.poll(async () => (await invokeInPage(page, 'card:readers')) as { value: { name: string; present: boolean }[] }, { timeout: 5_000 })
    .toMatchObject({ value: expect.arrayContaining([expect.objectContaining({ name: UZI_READER, present: false })]) });
  await signWithUzi(page);
  const view = await expectFailure(page, /^ERR_CARD_(REMOVED|NOT_PRESENT)$/);
  expect(view.rolledBack).toBe(true);
  await noViolations(page, 'Smartcard: failed');
  // A pulled card is worth another try (kind retry); a refusal is not.
  await expect(page.locator('section.smartcard').getByRole('button', { name: 'Opnieuw beginnen' })).toBeVisible();
  await shot(page, '61-smartcard-failed-uzi-pulled');
  expect(await blankCertificates(page)).toBe(0);
  await ctx.close();
});

test('the blank card pulled during the flow: creation stops, and the same card works afterwards', async ({ browser }) => {
  const { ctx, page } = await openWithCards(browser, 'Z', LAB_HOLDER, false);
  await startCreation(page);
  // The key pair and the CSR are made on the card before the UZI-pas signs; then the card goes.
  await waitForUziPin(page);
  await invokeInPage(page, 'demo:remove', { reader: 1 });
  await expect.poll(async () => blankCertificates(page), { timeout: 5_000 }).toBe(-1);
  await signWithUzi(page);
  // Certified by the portal, but the certificate cannot be written: nothing half-made counts.
  await expectFailure(page, /^ERR_CARD_(REMOVED|NOT_PRESENT)$/);
  await shot(page, '62-smartcard-failed-blank-pulled');
  expect(await portal.store.findLiveSmartcardByUzi('900016528')).toBeNull();
  await invokeInPage(page, 'smartcard:dismiss', { flow: (await smartcardView(page)).flow });

  // The same card back in (not a new one): what the broken creation left is cleaned up by the next.
  await invokeInPage(page, 'demo:insert', { card: 'SC-blank', reader: 1 });
  await expect.poll(async () => blankCertificates(page), { timeout: 30_000 }).toBe(0);
  await startCreation(page);
  await waitForUziPin(page);
  await signWithUzi(page);
  const screen = page.locator('section.smartcard');
  await expect(screen).toHaveAttribute('data-step', 'done', { timeout: 45_000 });
  await noViolations(page, 'Smartcard: done');
  await shot(page, '63-smartcard-done');
  const live = await portal.store.findLiveSmartcardByUzi('900016528');
  expect(live).toMatchObject({ status: 'active', ura: URA });
  // The card now holds its certificate, read like any card.
  await expect.poll(async () => blankCertificates(page), { timeout: 15_000 }).toBe(1);
  await ctx.close();
});

test('log in at the portal with the new ZORG-ID Smartcard; pulling it ends the session', async ({ browser }) => {
  const { ctx, page } = await openApp(browser, lab.app);
  // Only the Smartcard: the UZI-pas is put away.
  await invokeInPage(page, 'demo:remove', { reader: 0 });
  await invokeInPage(page, 'demo:insert', { card: 'SC-blank', reader: 1 });
  await expect(page.locator(`section[data-reader="${BLANK_READER}"]`)).toContainText(LAB_HOLDER, { timeout: 30_000 });
  await shot(page, '64-smartcard-holder');

  const portalPage = await (await browser.newContext({ locale: 'nl-NL' })).newPage();
  await startLogin(portalPage, portal.url);
  const request = page.locator('section[data-step="request"]');
  await expect(request.locator('h1')).toHaveText(`${hostOf(portal.url)} vraagt u in te loggen`, { timeout: 10_000 });
  await request.locator(`input[name="handoff-reader"][value="${BLANK_READER}"]`).check();
  await request.getByRole('button', { name: 'Doorgaan' }).click();
  const pin = page.getByLabel('Pincode', { exact: true });
  await expect(pin).toBeEnabled({ timeout: 15_000 });
  await noViolations(page, 'login PIN with a ZORG-ID Smartcard');
  await shot(page, '65-smartcard-login-pin');
  await pin.fill(CARD_PIN);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect(page.locator('section[data-step="done"]')).toBeVisible({ timeout: 20_000 });
  await portalPage.waitForURL(/\/ingelogd$/, { timeout: 10_000 });
  await expect(portalPage.locator('[data-field="uziNumber"]')).toHaveText('900016528');

  await invokeInPage(page, 'demo:remove', { reader: 1 });
  await expect.poll(async () => ((await (await portalPage.request.get(`${portal.url}/api/session`)).json()) as { active: boolean }).active, { timeout: 5_000 }).toBe(false);
  await portalPage.context().close();
  await ctx.close();
});

test('a second Smartcard for the same person is refused; the new blank card stays blank', async ({ browser }) => {
  const { ctx, page } = await openWithCards(browser, 'Z', LAB_HOLDER, true);
  await startCreation(page);
  await waitForUziPin(page);
  await signWithUzi(page);
  const view = await expectFailure(page, /^ERR_SMARTCARD_ALREADY_EXISTS$/);
  expect(view.rolledBack).toBe(true);
  await expect(page.locator('section.smartcard').getByRole('button', { name: 'Sluiten' })).toBeVisible();
  await shot(page, '66-smartcard-refused-second');
  expect(await blankCertificates(page)).toBe(0);
  await ctx.close();
});

test('one reader: removed at the portal, the person makes a new Smartcard, swapping cards when asked', async ({ browser }) => {
  // The portal removes the first Smartcard (as an administrator would); it no longer counts.
  const first = await portal.store.findLiveSmartcardByUzi('900016528');
  expect(await portal.store.setSmartcardStatus(first!.id, ['active', 'blocked'], 'removed', Date.now())).toBe(true);

  const { ctx, page } = await openApp(browser, lab.app);
  await invokeInPage(page, 'demo:remove', { reader: 1 });
  await invokeInPage(page, 'demo:insert', { card: 'SC-blank', reader: 0, fresh: true });
  await expect(page.locator(`section[data-reader="${UZI_READER}"]`)).toContainText('Lege ZORG-ID Smartcard', { timeout: 30_000 });
  const view = await smartcardView(page);
  if (view.step === 'done' || view.step === 'failed') await invokeInPage(page, 'smartcard:dismiss', { flow: view.flow });

  await page.getByRole('navigation').getByRole('button', { name: 'ZORG-ID Smartcard' }).click();
  const screen = page.locator('section.smartcard');
  await page.locator('#smartcard-uzi-reader').selectOption(UZI_READER);
  await page.locator('#smartcard-blank-reader').selectOption(UZI_READER);
  await page.locator('#smartcard-pin').fill(CARD_PIN);
  await page.locator('#smartcard-pin-repeat').fill(CARD_PIN);
  await screen.getByRole('button', { name: 'Smartcard maken' }).click();

  // Key and CSR made on the blank card; then the app asks for the UZI-pas in the same reader and goes
  // on by itself once it is in (the card-insert event), no button needed.
  const swap = page.getByTestId('smartcard-swap');
  await expect(swap).toBeVisible({ timeout: 30_000 });
  await noViolations(page, 'Smartcard: swap prompt');
  await shot(page, '69-smartcard-swap-to-uzi');
  await invokeInPage(page, 'demo:insert', { card: 'Z', reader: 0 });
  await waitForUziPin(page);
  await signWithUzi(page);
  // Certified; now the blank card back in for the certificate.
  await expect(swap).toBeVisible({ timeout: 30_000 });
  await invokeInPage(page, 'demo:insert', { card: 'SC-blank', reader: 0 });
  await expect(screen).toHaveAttribute('data-step', 'done', { timeout: 45_000 });
  const second = await portal.store.findLiveSmartcardByUzi('900016528');
  expect(second).toMatchObject({ status: 'active' });
  expect(second!.id).not.toBe(first!.id);
  await page.getByRole('navigation').getByRole('button', { name: 'Pas', exact: true }).click();
  await expect(page.locator(`section[data-reader="${UZI_READER}"]`)).toContainText(LAB_HOLDER, { timeout: 30_000 });
  await invokeInPage(page, 'demo:remove', { reader: 0 });
  await ctx.close();
});

test('a person with a Mobiel ID is refused (one or the other)', async ({ browser }) => {
  const now = Date.now();
  await portal.store.createPerson({ id: 'ZID-TEST-0000-0001', givenName: 'Sanne', surname: 'Jansen', name: 'Sanne Jansen', birthDate: '1990-01-01', uziNumber: '900016529', createdAt: now, lastUsedAt: null });
  await portal.store.putMobileId({
    id: 'mobile-sanne', personId: 'ZID-TEST-0000-0001', uziNumber: '900016529', name: 'Sanne Jansen', birthDate: '1990-01-01',
    publicKeySpki: 'AA', keyAlg: 'ES256', status: 'active', createdAt: now,
  });
  const { ctx, page } = await openWithCards(browser, 'N', 'Jansen', false);
  await startCreation(page);
  await waitForUziPin(page);
  await signWithUzi(page);
  await expectFailure(page, /^ERR_SMARTCARD_HAS_MOBIEL_ID$/);
  await shot(page, '67-smartcard-refused-mobiel-id');
  expect(await blankCertificates(page)).toBe(0);
  await ctx.close();
});

test('an M card (a function, not a person) is refused', async ({ browser }) => {
  const { ctx, page } = await openWithCards(browser, 'M', 'Balie', false);
  await startCreation(page);
  // Refused by the portal on the M card's signature, or before the PIN when the app knows the pastype.
  const uziPin = page.locator('#smartcard-uzi-pin');
  const failed = page.locator('section.smartcard[data-step="failed"]');
  await expect(uziPin.or(failed)).toBeVisible({ timeout: 30_000 });
  if (await uziPin.isVisible()) await signWithUzi(page);
  await expectFailure(page, /^ERR_(TOKEN_CARD_TYPE_NOT_ALLOWED|SMARTCARD_CARD_TYPE_NOT_ALLOWED)$/);
  await shot(page, '68-smartcard-refused-m-card');
  expect(await blankCertificates(page)).toBe(0);
  await ctx.close();
});
