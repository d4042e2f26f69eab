// axe-core on every screen state that matters, in Dutch and English: 0 violations.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, invokeInPage, shot, test } from './fixtures';

async function noViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
  // A run that checked nothing would also report no violations.
  expect(results.passes.length, `axe checked nothing on ${label}`).toBeGreaterThan(10);
}

for (const lang of ['nl', 'en'] as const) {
  test(`card screen and settings have no axe violations (${lang})`, async ({ page, preview }) => {
    await page.goto(preview.url);
    await expect(page.locator('#main h1')).toBeVisible();
    if (lang === 'en') await invokeInPage(page, 'settings:set', { language: 'en' });
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.locator('section[data-reader]').first()).toBeVisible();
    await noViolations(page, `empty card screen (${lang})`);

    await invokeInPage(page, 'demo:insert', { card: 'Z', reader: 0 });
    await invokeInPage(page, 'demo:insert', { card: 'Z-expired', reader: 1 });
    await expect(page.locator('.holder__name')).toHaveCount(2);
    await noViolations(page, `holder + expired warning (${lang})`);

    await invokeInPage(page, 'demo:scenario', { middleware: 'missing' });
    await invokeInPage(page, 'demo:insert', { card: 'N', reader: 0 });
    await expect(page.getByText('ERR_CARD_MIDDLEWARE_MISSING')).toBeVisible();
    await noViolations(page, `middleware missing (${lang})`);

    await invokeInPage(page, 'demo:scenario', { service: 'down' });
    await expect(page.getByText('ERR_CARD_PCSC_UNAVAILABLE')).toBeVisible();
    await page.locator('.demo__more summary').click();
    await noViolations(page, `service down, demo panel open (${lang})`);

    await page.locator('.nav__link').nth(1).click();
    await expect(page.locator('#main h1')).toHaveText(lang === 'nl' ? 'Instellingen' : 'Settings');
    await noViolations(page, `settings (${lang})`);
    await shot(page, `16-settings-${lang}`);
  });
}
