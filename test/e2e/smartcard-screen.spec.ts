// The ZORG-ID Smartcard views in Debian Chromium against the preview host with the in-process demo
// card (no card lab): the blank card on the card screen, a created Smartcard's holder, and the
// "ZORG-ID Smartcard maken" screen in Dutch and English, each axe-clean.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { SMARTCARD_SCREEN_STEPS, type HandoffRequestInfo, type HandoffView, type SmartcardStepState, type SmartcardView } from '../../src/shared/channels';
import type { CardReading } from '../../src/shared/domain';
import { expect, invokeInPage, shot, test } from './fixtures';

const READER_1 = 'ZORG-ID Demo-lezer 1';
const READER_2 = 'ZORG-ID Demo-lezer 2';

const reader = (page: Page, name: string) => page.locator(`section[data-reader="${name}"]`);

async function noViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
  // A run that checked nothing would also report no violations.
  expect(results.passes.length, `axe checked nothing on ${label}`).toBeGreaterThan(10);
}

async function open(page: Page, url: string, lang: 'nl' | 'en' = 'nl'): Promise<void> {
  await page.goto(url);
  await expect(page.locator('#main h1')).toBeVisible();
  if (lang === 'en') {
    await invokeInPage(page, 'settings:set', { language: 'en' });
    await page.reload();
  }
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(reader(page, READER_1)).toBeVisible();
}

const openSmartcardScreen = (page: Page) => page.locator('.nav__link').nth(2).click();

test('a blank ZORG-ID Smartcard is shown as blank, not as an error, and its button opens the Smartcard screen with that reader', async ({ page, preview }) => {
  await open(page, preview.url);
  // Inserted the way a person does in the demo: through the demo panel.
  await page.getByLabel('Pas', { exact: true }).selectOption({ label: 'Lege ZORG-ID Smartcard' });
  await page.getByLabel('Kaartlezer', { exact: true }).selectOption({ label: 'Kaartlezer 1' });
  await page.getByRole('button', { name: 'Pas plaatsen' }).click();
  await invokeInPage(page, 'demo:insert', { card: 'Z', reader: 1 });

  const r1 = reader(page, READER_1);
  const blank = r1.getByTestId('blank-smartcard');
  await expect(blank).toBeVisible({ timeout: 3_000 });
  await expect(blank.getByRole('heading', { name: 'Lege ZORG-ID Smartcard' })).toBeVisible();
  await expect(blank).toContainText('maak er met uw eigen UZI-pas uw persoonlijke pas van');
  await expect(r1.locator('.pill')).toHaveText('ZORG-ID Smartcard');
  // Never an error: no alert, no error code, no holder block.
  await expect(r1.getByRole('alert')).toHaveCount(0);
  await expect(r1.locator('.notice--error')).toHaveCount(0);
  await expect(r1).not.toContainText('ERR_');
  await expect(reader(page, READER_2).locator('.holder__name')).toHaveText('Anna Maria de Vries');
  await noViolations(page, 'blank Smartcard on the card screen');
  await shot(page, 'smartcard-01-blank-card');

  await blank.getByRole('button', { name: 'ZORG-ID Smartcard maken' }).click();
  await expect(page.locator('#main h1')).toHaveText('ZORG-ID Smartcard maken');
  // Reader 1 is the blank card's although it is the first reader (the default for the UZI-pas otherwise).
  await expect(page.locator('#smartcard-blank-reader')).toHaveValue(READER_1);
  await expect(page.locator('#smartcard-uzi-reader')).toHaveValue(READER_2);
  await expect(page.locator('#smartcard-blank-reader option:checked')).toHaveText(`${READER_1} — lege ZORG-ID Smartcard`);
  await expect(page.locator('#smartcard-uzi-reader option:checked')).toHaveText(`${READER_2} — UZI-pas van Anna Maria de Vries`);
});

test('a created ZORG-ID Smartcard shows its holder as a ZORG-ID Smartcard, not an UZI-pas', async ({ page, preview }) => {
  await open(page, preview.url);
  await page.getByLabel('Pas', { exact: true }).selectOption({ label: 'ZORG-ID Smartcard' });
  await page.getByRole('button', { name: 'Pas plaatsen' }).click();
  const r1 = reader(page, READER_1);
  await expect(r1.locator('.holder__name')).toHaveText('Sanne Jansen', { timeout: 3_000 });
  const details = r1.locator('dl');
  await expect(details.locator('.holder__row').first()).toHaveText(/^Soort pas\s*ZORG-ID Smartcard$/);
  await expect(details).toContainText('900016529');
  await expect(details).toContainText('Medewerkerpas op naam (N)');
  await expect(details).toContainText('TEST Huisartsenpraktijk De Linde');
  await expect(r1.locator('.pill').first()).toHaveText('ZORG-ID Smartcard');
  await expect(r1.getByText('Certificaat geldig')).toBeVisible();
  await expect(r1).not.toContainText('UZI-pas');
  await expect(r1.getByTestId('blank-smartcard')).toHaveCount(0);
  await noViolations(page, 'created Smartcard holder');
  await shot(page, 'smartcard-02-created-card');
});

/** The steps with the first statuses given, the rest pending. */
const steps = (...statuses: SmartcardStepState['status'][]): SmartcardStepState[] =>
  SMARTCARD_SCREEN_STEPS.map((step, i) => ({ step, status: statuses[i] ?? 'pending' }));

/** The views only a creation through the card host reaches, as main would push them. */
const running = (patch: Partial<Extract<SmartcardView, { step: 'running' }>>): SmartcardView => ({
  step: 'running',
  flow: 7,
  steps: steps('done', 'done', 'done', 'done', 'running'),
  swap: null,
  uziPin: false,
  ...patch,
});

/**
 * Answers `channel` with `value` — the one ask a screen makes when it opens (`smartcard:state`,
 * `handoff:state`); every other call goes to the host — and reloads so the screen asks.
 */
async function answerOnOpen(page: Page, channel: 'smartcard:state' | 'handoff:state', value: unknown): Promise<void> {
  await page.unroute('**/api/invoke');
  await page.route('**/api/invoke', async (route) => {
    const body = route.request().postDataJSON() as { channel?: string };
    if (body.channel === channel) await route.fulfill({ json: { ok: true, value } });
    else await route.continue();
  });
  await page.reload();
}

async function showView(page: Page, view: SmartcardView): Promise<void> {
  await answerOnOpen(page, 'smartcard:state', view);
  await expect(reader(page, READER_1)).toBeVisible();
  await openSmartcardScreen(page);
}

for (const lang of ['nl', 'en'] as const) {
  const nl = lang === 'nl';
  test(`the Smartcard screen (${lang}): readers preselected, PIN checks, failure, swap, UZI-pas PIN and done — axe-clean`, async ({ page, preview }) => {
    await open(page, preview.url, lang);
    await invokeInPage(page, 'demo:insert', { card: 'Z', reader: 0 });
    await invokeInPage(page, 'demo:insert', { card: 'SC-blank', reader: 1 });
    await expect(reader(page, READER_1).locator('.holder__name')).toHaveText('Anna Maria de Vries');
    await expect(reader(page, READER_2).getByTestId('blank-smartcard')).toBeVisible();

    await openSmartcardScreen(page);
    const screen = page.locator('section.smartcard');
    await expect(screen.locator('h1')).toHaveText(nl ? 'ZORG-ID Smartcard maken' : 'Create a ZORG-ID Smartcard');
    // Chosen from the cards in the readers, not from the order of the readers.
    await expect(page.locator('#smartcard-uzi-reader')).toHaveValue(READER_1);
    await expect(page.locator('#smartcard-blank-reader')).toHaveValue(READER_2);
    await expect(page.locator('#smartcard-pin-hint')).toHaveText(
      nl ? '6 tot 8 cijfers. Onthoud deze pincode goed: de app bewaart hem niet.' : '6 to 8 digits. Remember this PIN well: the app does not keep it.',
    );
    await noViolations(page, `Smartcard start form (${lang})`);
    await shot(page, `smartcard-03-start-${lang}`);

    const pin = page.locator('#smartcard-pin');
    const repeat = page.locator('#smartcard-pin-repeat');
    const submit = screen.getByRole('button', { name: nl ? 'Smartcard maken' : 'Create Smartcard' });
    await pin.fill('123');
    await submit.click();
    await expect(screen.getByRole('alert')).toHaveText(nl ? 'Een pincode bestaat uit 6 tot 8 cijfers.' : 'A PIN has 6 to 8 digits.');
    await expect(pin).toHaveAttribute('aria-invalid', 'true');
    await pin.fill('123456');
    await repeat.fill('654321');
    await submit.click();
    await expect(screen.getByRole('alert')).toHaveText(nl ? 'De twee pincodes zijn niet gelijk.' : 'The two PINs are not the same.');
    await expect(repeat).toHaveAttribute('aria-invalid', 'true');
    await noViolations(page, `Smartcard PIN mismatch (${lang})`);

    // The in-process demo card has no PKCS#11 token to create a key on: main refuses, and says so.
    await pin.fill('123456');
    await repeat.fill('123456');
    await submit.click();
    await expect(screen).toHaveAttribute('data-step', 'failed');
    await expect(screen).toContainText('ERR_SMARTCARD_UNAVAILABLE');
    await expect(screen).toContainText(nl ? 'De ZORG-ID Smartcard is niet gemaakt.' : 'The ZORG-ID Smartcard was not created.');
    await expect(screen).toContainText(nl ? 'De lege pas is weer leeg en kan opnieuw gebruikt worden.' : 'The blank card is blank again and can be used again.');
    await expect(pin).toHaveCount(0);
    await noViolations(page, `Smartcard failed (${lang})`);
    await shot(page, `smartcard-04-failed-${lang}`);
    // Not set up for it: trying again will not help, so the way out is "close".
    await expect(screen.getByRole('button', { name: nl ? 'Opnieuw beginnen' : 'Start again' })).toHaveCount(0);
    await screen.getByRole('button', { name: nl ? 'Sluiten' : 'Close' }).click();
    await expect(screen).toHaveAttribute('data-step', 'idle');

    // One reader: after the CSR the UZI-pas must sign, so the blank card makes way for it.
    await showView(page, running({ swap: { card: 'uzi', reader: READER_1 } }));
    const swap = screen.getByTestId('smartcard-swap');
    await expect(swap).toContainText(
      nl ? `Haal de lege ZORG-ID Smartcard uit ${READER_1} en plaats daar uw UZI-pas.` : `Take the blank ZORG-ID Smartcard out of ${READER_1} and put your UZI card in.`,
    );
    await expect(swap).toContainText(nl ? 'gaat de app vanzelf verder' : 'the app continues by itself');
    await expect(swap.getByRole('button', { name: nl ? 'De pas zit erin' : 'The card is in' })).toBeVisible();
    await expect(screen.locator('[aria-current="step"]')).toContainText(nl ? 'Identificeren met uw UZI-pas' : 'Identify with your UZI card');
    await noViolations(page, `Smartcard swap prompt (${lang})`);
    await shot(page, `smartcard-05-swap-${lang}`);

    await showView(page, running({ uziPin: true }));
    await expect(page.getByLabel(nl ? 'Pincode van uw UZI-pas' : 'PIN of your UZI card')).toBeFocused();
    await screen.getByRole('button', { name: nl ? 'Ondertekenen' : 'Sign' }).click();
    await expect(screen.getByRole('alert')).toHaveText(nl ? 'Een pincode bestaat uit 6 tot 8 cijfers.' : 'A PIN has 6 to 8 digits.');
    await noViolations(page, `Smartcard UZI-pas PIN (${lang})`);
    await shot(page, `smartcard-06-uzi-pin-${lang}`);

    await showView(page, { step: 'done', flow: 7, steps: steps(...SMARTCARD_SCREEN_STEPS.map(() => 'done' as const)), reader: 'Kaartlezer 2' });
    await expect(screen).toHaveAttribute('data-step', 'done');
    await expect(screen.getByRole('status')).toContainText(
      nl ? 'U kunt nu inloggen met uw ZORG-ID Smartcard; bewaar de UZI-pas.' : 'You can now log in with your ZORG-ID Smartcard; keep the UZI card.',
    );
    await noViolations(page, `Smartcard done (${lang})`);
    await shot(page, `smartcard-07-done-${lang}`);

    await showView(page, {
      step: 'failed',
      flow: 7,
      // Pulled while the certificate was being written: no rollback ran, the leftovers go next time.
      steps: steps('done', 'done', 'done', 'done', 'done', 'done', 'failed'),
      code: 'ERR_CARD_REMOVED',
      rolledBack: false,
    });
    await expect(screen).toContainText('ERR_CARD_REMOVED');
    await expect(screen).toContainText(nl ? 'Mislukt bij: Certificaat op de pas zetten.' : 'Failed at: Put the certificate on the card.');
    await expect(screen).toContainText(nl ? 'maar is wel opnieuw te gebruiken' : 'but it can be used again');
    await noViolations(page, `Smartcard failed mid-way (${lang})`);
    await shot(page, `smartcard-08-failed-midway-${lang}`);
  });
}

test('the login request and PIN dialog name the ZORG-ID Smartcard in the chosen reader, and keep the UZI-pas texts', async ({ page, preview }) => {
  await open(page, preview.url);
  await invokeInPage(page, 'demo:insert', { card: 'SC', reader: 0 });
  await expect(reader(page, READER_1).locator('.holder__name')).toHaveText('Sanne Jansen');
  const read = (await invokeInPage(page, 'card:read', { reader: READER_1 })) as { ok: true; value: CardReading };
  const request: HandoffRequestInfo = {
    flow: 3,
    portal: 'https://portaal.zorg-id.test',
    purpose: 'login',
    ura: null,
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    organisation: null,
  };

  await answerOnOpen(page, 'handoff:state', { step: 'request', request } satisfies HandoffView);
  const screen = page.locator('section[data-step="request"]');
  await expect(screen.locator('h1')).toHaveText('portaal.zorg-id.test vraagt u in te loggen');
  await expect(screen).toContainText('Log in met uw ZORG-ID Smartcard en de pincode van die pas.');
  await expect(screen.getByRole('radio', { name: `Sanne Jansen, ZORG-ID Smartcard — ${READER_1}` })).toBeChecked();
  await noViolations(page, 'login request with a ZORG-ID Smartcard');
  await shot(page, 'smartcard-09-login-request');

  const pinView: HandoffView = {
    step: 'pin',
    request,
    reader: READER_1,
    holder: read.value.holder,
    status: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 6, maxLength: 8 },
    previousError: null,
    pinpadDeadline: null,
  };
  await answerOnOpen(page, 'handoff:state', pinView);
  const dialog = page.locator('section[data-step="pin"]');
  await expect(dialog.locator('h1')).toHaveText('Voer de pincode van uw ZORG-ID Smartcard in');
  await expect(dialog).toContainText(`Pincode van de ZORG-ID Smartcard van Sanne Jansen (${READER_1}).`);
  // The shared PIN field keeps the login dialog's label, hint, ids and check.
  const field = page.getByLabel('Pincode', { exact: true });
  await expect(field).toHaveAttribute('id', 'handoff-pin');
  await expect(field).toHaveAttribute('type', 'password');
  await expect(page.locator('#handoff-pin-hint')).toHaveText('6 tot 8 cijfers.');
  await field.fill('123');
  await dialog.getByRole('button', { name: 'Inloggen' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Een pincode bestaat uit 6 tot 8 cijfers.');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await noViolations(page, 'PIN dialog for a ZORG-ID Smartcard');
  await shot(page, 'smartcard-10-login-pin');

  // An UZI-pas in the same reader: the texts stay the UZI ones.
  await page.unroute('**/api/invoke');
  await invokeInPage(page, 'demo:insert', { card: 'Z', reader: 0 });
  await answerOnOpen(page, 'handoff:state', { ...pinView, holder: null });
  await expect(dialog.locator('h1')).toHaveText('Voer uw pincode in');
  await answerOnOpen(page, 'handoff:state', { step: 'request', request } satisfies HandoffView);
  await expect(screen).toContainText('Met uw pas en pincode logt u in bij dit portaal.');
  await expect(screen).not.toContainText('ZORG-ID Smartcard');
});
