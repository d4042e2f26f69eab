// The card screen in Debian Chromium against the preview host with the in-process demo card.
import type { Page } from '@playwright/test';
import { expect, invokeInPage, shot, test } from './fixtures';
import type { PageGlobals } from './page-globals';

const READER_1 = 'ZORG-ID Demo-lezer 1';
const READER_2 = 'ZORG-ID Demo-lezer 2';

const reader = (page: Page, name: string) => page.locator(`section[data-reader="${name}"]`);

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Kaartlezers en passen' })).toBeVisible();
  await expect(reader(page, READER_1)).toContainText('Geen pas in deze lezer.');
}

async function insert(page: Page, card: string, readerName = 'Kaartlezer 1'): Promise<void> {
  await page.getByLabel('Pas', { exact: true }).selectOption({ label: card });
  await page.getByLabel('Kaartlezer', { exact: true }).selectOption({ label: readerName });
  await page.getByRole('button', { name: 'Pas plaatsen' }).click();
}

test('shows the Z card being read, then its holder; pulling it clears the details', async ({ page, preview }) => {
  await open(page, preview.url);
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  await expect(page.locator('.badge-demo')).toContainText('DEMO');
  // The demo cards are the card lab's certificates, parsed by the product's UZI parser.
  expect(preview.stderr()).toContain('in-process demo card (card-lab certificates)');
  await shot(page, '01-no-card');

  await insert(page, 'Zorgverlenerspas (Z)');
  const r1 = reader(page, READER_1);
  await expect(r1.getByText('Kaart geplaatst, lezen…')).toBeVisible();
  await expect(r1.getByRole('progressbar')).toBeVisible();
  await shot(page, '02-reading');

  await expect(r1.getByText('Gegevens van de pashouder')).toBeVisible({ timeout: 3_000 });
  await expect(r1.locator('.holder__name')).toHaveText('Anna Maria de Vries');
  const details = r1.locator('dl');
  await expect(details).toContainText('900016528');
  await expect(details).toContainText('Zorgverlenerspas (Z)');
  await expect(details).toContainText('Huisarts (01.015)');
  await expect(details).toContainText('TEST Huisartsenpraktijk De Linde');
  await expect(details).toContainText('90000382');
  await expect(details).toContainText('01001234');
  await expect(r1.getByText('UZI-pas', { exact: true })).toBeVisible();
  await expect(r1.getByText('Certificaat geldig')).toBeVisible();
  await shot(page, '03-z-card-read');

  await page.getByRole('button', { name: 'Pas verwijderen' }).click();
  await expect(r1.getByText('Anna Maria de Vries')).toHaveCount(0);
  await expect(r1).toContainText('Geen pas in deze lezer.');
  await shot(page, '04-card-pulled');
});

test('shared workstation: a pulled card leaves nothing of its holder, the next card shows only its own', async ({ page, preview }) => {
  await open(page, preview.url);
  const r1 = reader(page, READER_1);
  await insert(page, 'Zorgverlenerspas (Z)');
  await expect(r1.locator('.holder__name')).toHaveText('Anna Maria de Vries', { timeout: 3_000 });
  await page.getByRole('button', { name: 'Pas verwijderen' }).click();
  await expect(r1).toContainText('Geen pas in deze lezer.');

  // Nothing of the first holder anywhere: not in the DOM (hidden parts included), the title, the
  // page's storage, or what the app still answers about its readers.
  const first = ['Anna Maria', 'de Vries', '900016528', '01001234'];
  const leftovers = async () =>
    JSON.stringify([
      await page.content(),
      await page.title(),
      await page.context().storageState(),
      await page.evaluate(() => JSON.stringify((globalThis as unknown as { sessionStorage: object }).sessionStorage)),
      await invokeInPage(page, 'card:readers'),
    ]);
  const afterPull = await leftovers();
  for (const s of first) expect(afterPull, s).not.toContain(s);

  await insert(page, 'Medewerkerpas op naam (N)');
  await expect(r1.locator('.holder__name')).toHaveText('Sanne Jansen', { timeout: 3_000 });
  const afterNext = await leftovers();
  for (const s of first) expect(afterNext, s).not.toContain(s);
  expect(afterNext).toContain('900016529');
});

test('"reading…" appears within 50 ms of the insert event', async ({ page, preview }) => {
  await open(page, preview.url);
  const delay = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const w = globalThis as unknown as PageGlobals;
        let insertedAt = 0;
        w.zorgid.on('card:event', (e) => {
          if (e.type === 'inserted') insertedAt = e.at;
        });
        const observer = new w.MutationObserver(() => {
          if (insertedAt && w.document.body.textContent?.includes('Kaart geplaatst, lezen…')) {
            observer.disconnect();
            resolve(Date.now() - insertedAt);
          }
        });
        observer.observe(w.document.body, { subtree: true, childList: true, characterData: true });
        void w.zorgid.invoke('demo:insert', { card: 'Z', reader: 0 });
      }),
  );
  console.log(`reading shown ${delay} ms after the insert event`);
  expect(delay).toBeLessThanOrEqual(50);
});

test('shows an M card as "Medewerkerpas niet op naam" without AGB', async ({ page, preview }) => {
  await open(page, preview.url);
  await insert(page, 'Medewerkerpas niet op naam (M)');
  const r1 = reader(page, READER_1);
  await expect(r1.locator('dl')).toContainText('Medewerkerpas niet op naam (M)');
  await expect(r1).toContainText('Balie Huisartsenpraktijk De Linde');
  await expect(r1.locator('dl')).toContainText('geen');
  await shot(page, '05-m-card');
});

test('reads two cards in two readers', async ({ page, preview }) => {
  await open(page, preview.url);
  await insert(page, 'Zorgverlenerspas (Z)', 'Kaartlezer 1');
  await insert(page, 'Medewerkerpas op naam (N)', 'Kaartlezer 2');
  await expect(reader(page, READER_1)).toContainText('Anna Maria de Vries');
  await expect(reader(page, READER_2)).toContainText('Sanne Jansen');
  await expect(reader(page, READER_2).locator('dl')).toContainText('Medewerkerpas op naam (N)');
  await shot(page, '06-two-readers');
});

test('warns about an expired and a not-yet-valid certificate', async ({ page, preview }) => {
  await open(page, preview.url);
  await insert(page, 'Zorgverlenerspas, verlopen');
  const r1 = reader(page, READER_1);
  await expect(r1.getByText('Certificaat verlopen')).toBeVisible();
  await expect(r1.getByText('ERR_CERT_EXPIRED')).toBeVisible();
  await expect(r1.getByText('Certificaat geldig')).toHaveCount(0);
  await shot(page, '07-expired');

  await insert(page, 'Zorgverlenerspas, nog niet geldig');
  await expect(r1.getByText('Certificaat nog niet geldig')).toBeVisible();
  await expect(r1.getByText('ERR_CERT_NOT_YET_VALID')).toBeVisible();
  await shot(page, '08-not-yet-valid');
});

test('explains an unknown card', async ({ page, preview }) => {
  await open(page, preview.url);
  await insert(page, 'Onbekende pas');
  const r1 = reader(page, READER_1);
  await expect(r1.getByText('Onbekende pas').first()).toBeVisible();
  await expect(r1.getByText('ERR_CARD_UNKNOWN')).toBeVisible();
  await shot(page, '09-unknown-card');
});

test('shows no reader, a stopped card service and missing middleware, and recovers', async ({ page, preview }) => {
  await open(page, preview.url);
  await invokeInPage(page, 'demo:scenario', { readers: 0 });
  await expect(page.getByText('Geen kaartlezer', { exact: true })).toBeVisible();
  await expect(page.getByText('ERR_CARD_NO_READER')).toBeVisible();
  await shot(page, '10-no-reader');

  await invokeInPage(page, 'demo:scenario', { readers: 2, service: 'down' });
  await expect(page.getByText('Smartcarddienst niet beschikbaar')).toBeVisible();
  await expect(page.getByText('ERR_CARD_PCSC_UNAVAILABLE')).toBeVisible();
  await expect(reader(page, READER_1)).toHaveCount(0);
  await shot(page, '11-service-down');

  await invokeInPage(page, 'demo:scenario', { service: 'up', middleware: 'missing' });
  await expect(page.getByText('Smartcarddienst niet beschikbaar')).toHaveCount(0);
  await insert(page, 'Zorgverlenerspas (Z)');
  await expect(page.getByText('ERR_CARD_MIDDLEWARE_MISSING')).toBeVisible();
  await expect(page.getByText(/SafeSign Identity Client krijgt u via/)).toBeVisible();
  await shot(page, '12-middleware-missing');

  await invokeInPage(page, 'demo:scenario', { middleware: 'present' });
  await page.getByRole('button', { name: 'Opnieuw lezen' }).click();
  await expect(reader(page, READER_1)).toContainText('Anna Maria de Vries');
});

test('switches to English and back; errors and holder follow', async ({ page, preview }) => {
  await open(page, preview.url);
  await insert(page, 'Zorgverlenerspas (Z)');
  await expect(reader(page, READER_1)).toContainText('Anna Maria de Vries');
  await page.getByRole('button', { name: 'Instellingen', exact: true }).click();
  await page.getByLabel('English').check();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Card', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Card readers and cards' })).toBeVisible();
  await expect(reader(page, READER_1).locator('dl')).toContainText('Healthcare professional card (Z)');
  await shot(page, '13-english');

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Nederlands').check();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
});

test('settings: saves an absolute module path and refuses a bare file name', async ({ page, preview }) => {
  await open(page, preview.url);
  await page.getByRole('button', { name: 'Instellingen', exact: true }).click();
  const field = page.getByLabel('PKCS#11-module (kaartsoftware)');
  // The module path's own form (the portals the person adds have theirs).
  const save = page.locator('form').filter({ has: field }).getByRole('button', { name: 'Opslaan', exact: true });
  await field.fill('libaetpkss.so');
  await save.click();
  await expect(page.getByText('ERR_SETTINGS_INVALID')).toBeVisible();
  await shot(page, '14-settings-invalid');

  await field.fill('/usr/lib/libaetpkss.so.3');
  await save.click();
  await expect(page.getByText('De instellingen zijn opgeslagen.')).toBeVisible();
  await expect(page.getByText('ERR_SETTINGS_INVALID')).toHaveCount(0);
  expect(await invokeInPage(page, 'settings:get')).toMatchObject({ ok: true, value: { language: 'nl', pkcs11ModulePath: '/usr/lib/libaetpkss.so.3' } });
  await shot(page, '15-settings-saved');
});
