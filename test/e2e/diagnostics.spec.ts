// The Diagnose screen (issue 14) in Chromium against the preview host: reachable from the navigation
// and from every error notice, Kopiëren, and Opslaan als bestand as a browser download (the preview
// host cannot show a save dialog). With the card lab: the real readers, ATRs and module, no holder data.
// The card-lab part needs pcscd with vpcd: run under `flock /tmp/zorgid-lab.lock`.
import AxeBuilder from '@axe-core/playwright';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, invokeInPage, shot, test } from './fixtures';

const root = resolve(import.meta.dirname, '../..');
const labReady = existsSync('/run/pcscd/pcscd.comm') && existsSync('/etc/reader.conf.d/vpcd');

test('Diagnose: the report from the navigation, copied and downloaded as text and JSON', async ({ page, preview, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(preview.url);
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(page.getByRole('heading', { name: 'Diagnose' })).toBeVisible();
  const report = page.locator('pre.diagnostics__report');
  await expect(report).toContainText('ZORG-ID Desktop diagnostics');
  await expect(report).toContainText('Electron n/a, Chromium n/a');
  await expect(report).toContainText('loopbackPort');

  await page.getByRole('button', { name: 'Kopiëren' }).click();
  await expect(page.getByRole('status').filter({ hasText: /gekopieerd|geselecteerd/ })).toBeVisible();

  const [text] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Opslaan als bestand' }).click()]);
  expect(text.suggestedFilename()).toMatch(/^zorgid-diagnose-.*\.txt$/);
  expect(readFileSync(await text.path(), 'utf8')).toContain('== App ==');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Opslaan als JSON' }).click()]);
  expect(JSON.parse(readFileSync(await json.path(), 'utf8'))).toMatchObject({ format: 'zorgid-diagnostics/1' });
  await expect(page.getByRole('status').filter({ hasText: 'gedownload' })).toBeVisible();
});

test('an error notice links to the report, which lists the error code', async ({ page, preview }) => {
  await page.goto(preview.url);
  await expect(page.getByRole('heading', { name: 'Kaartlezers en passen' })).toBeVisible();
  await invokeInPage(page, 'demo:scenario', { service: 'down' });
  // A failed call is logged by code; the report shows the last ones.
  await invokeInPage(page, 'card:read', { reader: 'ZORG-ID Demo-lezer 1' });
  const notice = page.locator('.notice').filter({ hasText: 'ERR_CARD_PCSC_UNAVAILABLE' }).first();
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Diagnoserapport bekijken' }).click();
  await expect(page.getByRole('heading', { name: 'Diagnose' })).toBeVisible();
  await expect(page.locator('pre.diagnostics__report')).toContainText(/ipc ERR_CARD_PCSC_UNAVAILABLE/);
});

for (const lang of ['nl', 'en'] as const) {
  test(`the Diagnose screen has no axe violations (${lang})`, async ({ page, preview }) => {
    await page.goto(preview.url);
    await expect(page.locator('#main h1')).toBeVisible();
    if (lang === 'en') {
      await invokeInPage(page, 'settings:set', { language: 'en' });
      await page.reload();
    }
    await page.getByRole('button', { name: lang === 'nl' ? 'Diagnose' : 'Diagnostics' }).click();
    await expect(page.locator('pre.diagnostics__report')).toContainText('== App ==');
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(results.passes.length).toBeGreaterThan(10);
  });
}

test.describe('with the card lab', () => {
  test.skip(!labReady, 'pcscd with vpcd is not running here (scripts/with-pcscd.sh); card-lab part skipped');
  test.use({ previewArgs: ['--card-lab'] });
  test.describe.configure({ timeout: 60_000 });

  test('shows the virtual readers, the UZI-pas and OpenSC, and nothing of the holder', async ({ page, preview }) => {
    await page.goto(preview.url);
    await expect(page.locator('section[data-reader="Virtual PCD 00 00"]')).toBeVisible({ timeout: 15_000 });
    await invokeInPage(page, 'demo:insert', { card: 'Z', reader: 0 });
    await expect(page.getByText('Anna Maria de Vries')).toBeVisible({ timeout: 15_000 });
    await invokeInPage(page, 'demo:insert', { card: 'SC-blank', reader: 1 });
    await expect(page.locator('section[data-reader="Virtual PCD 00 01"]')).not.toContainText('Geen pas in deze lezer.', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Diagnose' }).click();
    const report = page.locator('pre.diagnostics__report');
    await expect(report).toContainText('Virtual PCD 00 00: UZI-pas Z', { timeout: 20_000 });
    await expect(report).toContainText('Virtual PCD 00 01: blank card');
    await expect(report).toContainText('C_GetInfo: OpenSC Project');
    await expect(report).toContainText('C_GetInfo: SoftHSM');
    await expect(report).toContainText('issuer "TEST UZI-register Zorgverlener CA G3"');
    for (const holder of ['Anna', 'Vries', '900016528', '01001234', '90000382']) await expect(report).not.toContainText(holder);
    await page.screenshot({ path: join(root, 'docs/screenshots/diagnose.png'), fullPage: true });
    await shot(page, 'diagnose');
  });
});
