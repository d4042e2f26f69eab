// `npm run app` without Electron: real readers through the supervised card host, never a demo card.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, invokeInPage, shot, test } from './fixtures';

test.use({ previewArgs: ['--real', '--settings', join(mkdtempSync(join(tmpdir(), 'zorgid-real-')), 'settings.json')] });

test('real mode shows no demo badge, no demo controls, and refuses demo cards', async ({ page, preview }) => {
  await page.goto(preview.url);
  await expect(page.getByRole('heading', { name: 'Kaartlezers en passen' })).toBeVisible();
  await expect(page.locator('.badge-demo')).toHaveCount(0);
  await expect(page.getByRole('complementary')).toHaveCount(0);
  expect(await invokeInPage(page, 'demo:insert', { card: 'Z' })).toMatchObject({ ok: false, error: { code: 'ERR_DEMO_DISABLED' } });
  expect(await invokeInPage(page, 'app:info')).toMatchObject({ ok: true, value: { mode: 'real', demoBackend: null } });
  // Whatever this machine has (pcscd or not, readers or not), the screen says what the card port says:
  // the readers, "no reader", or the service error — in words, with its code.
  const readers = (await invokeInPage(page, 'card:readers')) as { ok: true; value: { name: string }[] } | { ok: false; error: { code: string } };
  if (!readers.ok) await expect(page.getByText(readers.error.code)).toBeVisible({ timeout: 10_000 });
  else if (readers.value.length === 0) await expect(page.getByText('ERR_CARD_NO_READER')).toBeVisible({ timeout: 10_000 });
  else await expect(page.locator(`section[data-reader="${readers.value[0]!.name}"]`)).toBeVisible({ timeout: 10_000 });
  await shot(page, '17-real-mode');
});
