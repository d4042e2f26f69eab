// The demo through the real card stack: the card lab's virtual PIV card on vpcd → pcscd → pcsclite and
// OpenSC PKCS#11 in the supervised card host → preview host → Chromium. Needs pcscd with vpcd; run
// under `flock /tmp/zorgid-lab.lock` (the vpcd readers are shared). Skips without the lab unless CI=true.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, shot, test } from './fixtures';
import type { PageGlobals } from './page-globals';

const labReady = existsSync('/run/pcscd/pcscd.comm') && existsSync('/etc/reader.conf.d/vpcd');
if (!labReady && process.env.CI === 'true') throw new Error('card lab (pcscd + vpcd) is required in CI');
test.skip(!labReady, 'pcscd with vpcd is not running here (start it: scripts/with-pcscd.sh); card-lab E2E skipped');

test.use({ previewArgs: ['--card-lab'] });
test.describe.configure({ timeout: 60_000 });

test('virtual Z card through PC/SC + PKCS#11: reading within 50 ms of the event, holder within 3 s, pulled → gone', async ({ page, preview }) => {
  await page.goto(preview.url);
  const r1 = page.locator('section[data-reader="Virtual PCD 00 00"]');
  await expect(r1).toContainText('Geen pas in deze lezer.', { timeout: 15_000 });
  expect(preview.stderr()).toContain('card lab virtual card');

  const insertAndMeasure = () =>
    page.evaluate(
      () =>
        new Promise<{ reading: number; holder: number }>((resolve) => {
          const w = globalThis as unknown as PageGlobals;
          let insertedAt = 0;
          let reading = -1;
          const stop = w.zorgid.on('card:event', (e) => {
            if (e.type === 'inserted' && e.reader === 'Virtual PCD 00 00') insertedAt = e.at;
          });
          const observer = new w.MutationObserver(() => {
            const text = w.document.body.textContent ?? '';
            if (insertedAt && reading < 0 && text.includes('Kaart geplaatst, lezen…')) reading = Date.now() - insertedAt;
            if (insertedAt && text.includes('Gegevens van de pashouder')) {
              observer.disconnect();
              stop();
              resolve({ reading, holder: Date.now() - insertedAt });
            }
          });
          observer.observe(w.document.body, { subtree: true, childList: true, characterData: true });
          void w.zorgid.invoke('demo:insert', { card: 'Z', reader: 0 });
        }),
    );
  const pull = async () => {
    await page.getByRole('button', { name: 'Pas verwijderen' }).click();
    await expect(r1).toContainText('Geen pas in deze lezer.', { timeout: 5_000 });
    await expect(r1.getByText('Anna Maria de Vries')).toHaveCount(0);
  };

  // The first read after the card host starts also pays for loading the PKCS#11 module; measured and
  // reported, but the 3 s budget is for a card inserted into a running app.
  const first = await insertAndMeasure();
  await pull();
  const timing = await insertAndMeasure();
  console.log(`card lab: first insert: reading ${first.reading} ms, holder ${first.holder} ms; next insert: reading ${timing.reading} ms, holder ${timing.holder} ms (after pcsclite's insert event)`);
  expect(first.reading).toBeGreaterThanOrEqual(0);
  expect(first.reading).toBeLessThanOrEqual(50);
  expect(timing.reading).toBeGreaterThanOrEqual(0);
  expect(timing.reading).toBeLessThanOrEqual(50);
  expect(timing.holder).toBeLessThanOrEqual(3_000);
  await expect(r1).toContainText('Anna Maria de Vries');
  await expect(r1).toContainText('900016528');
  await shot(page, '20-card-lab-z-card');

  await pull();
});

function pcscd(action: 'stopPcscd' | 'ensurePcscd'): void {
  // The lab's own helper (test/card-lab/pcscd.ts) stops/starts the daemon the way the lab tests do.
  execFileSync(process.execPath, ['--import', 'tsx', '-e', `await import('./test/card-lab/pcscd.ts').then((m) => m.${action}())`], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
    timeout: 20_000,
  });
}

test('pcscd stopped → the screen says so; pcscd back → the readers return without restarting the app', async ({ page, preview }) => {
  await page.goto(preview.url);
  const r1 = page.locator('section[data-reader="Virtual PCD 00 00"]');
  await expect(r1).toBeVisible({ timeout: 15_000 });
  expect(preview.stderr()).toContain('card lab virtual card');
  try {
    pcscd('stopPcscd');
    await expect(page.getByText('ERR_CARD_PCSC_UNAVAILABLE')).toBeVisible({ timeout: 10_000 });
    await expect(r1).toHaveCount(0);
    await shot(page, '21-card-lab-pcscd-stopped');
  } finally {
    pcscd('ensurePcscd');
  }
  await expect(r1).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('ERR_CARD_PCSC_UNAVAILABLE')).toHaveCount(0);
  await shot(page, '22-card-lab-pcscd-back');
});
