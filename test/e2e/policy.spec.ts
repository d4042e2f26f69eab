// Machine-wide policy (issue 14) in the real renderer: the preview host reads a policy folder given by
// --policy-dir (preview/tests only), the way the app reads /etc/zorgid-desktop.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, invokeInPage, test } from './fixtures';
import { noViolations } from './lab-app';

const DOC_SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

function policyDir(policy: string | Record<string, unknown>, dropIn?: Record<string, unknown>): string {
  // Laid out as on a workstation (<root>/etc/zorgid-desktop), so the screenshots name a familiar path.
  const dir = join(mkdtempSync(join(tmpdir(), 'zorgid-e2e-policy-')), 'etc/zorgid-desktop');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'policy.json'), typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
  if (dropIn) {
    mkdirSync(join(dir, 'policy.d'));
    writeFileSync(join(dir, 'policy.d/10-afdeling.json'), JSON.stringify(dropIn));
  }
  return dir;
}

test.describe('a locked policy', () => {
  const dir = policyDir(
    { AllowedPortalOrigins: ['https://portaal.zorgid.nl', 'https://zorgid.ziekenhuis-oost.example'], AllowUserPortalOrigins: false, Language: 'nl', AuditRetentionDays: 180 },
    { Pkcs11ModulePath: '/usr/lib/libaetpkss.so.3' },
  );
  test.use({ previewArgs: ['--policy-dir', dir] });

  test('the settings screen shows each value and its source; locked ones are read-only', async ({ page, preview }) => {
    await page.goto(preview.url);
    await page.getByRole('button', { name: 'Instellingen', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Instellingen' })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'English' })).toBeDisabled();
    await expect(page.getByLabel(/PKCS#11-module \(kaartsoftware\)/)).toHaveAttribute('readonly', '');
    const row = (key: string) => page.locator(`[data-setting="${key}"]`);
    await expect(row('portalAllowlist')).toContainText('https://portaal.zorgid.nl, https://zorgid.ziekenhuis-oost.example');
    await expect(row('portalAllowlist')).toContainText('Ingesteld door uw organisatie');
    await expect(row('portalAllowlist')).toContainText(join(dir, 'policy.json'));
    await expect(row('pkcs11ModulePath')).toContainText(join(dir, 'policy.d/10-afdeling.json'));
    await expect(row('loopbackPort')).toContainText('Standaard');
    await expect(row('auditRetentionDays')).toContainText('180 dagen');

    // Not over the contract either: the allowlist stays as the organisation set it.
    expect(await invokeInPage(page, 'settings:set', { portalAllowlist: ['https://kwaadaardig.example'] })).toMatchObject({
      ok: false,
      error: { code: 'ERR_SETTINGS_LOCKED', kind: 'cancel', detail: { key: 'portalAllowlist' } },
    });
    await noViolations(page, 'settings with policy');
    await page.screenshot({ path: join(DOC_SHOTS, 'policy-settings-locked.png'), fullPage: true });
  });
});

test.describe('a damaged policy', () => {
  const dir = policyDir({ AllowedPortalOrigins: ['https://portaal.zorgid.nl', 'http://portaal.ziekenhuis-oost.example'] });
  test.use({ previewArgs: ['--policy-dir', dir, '--allow-portal', 'http://127.0.0.1:24780'] });

  test('fails closed: a Dutch screen names the key and the file, and no portal is trusted', async ({ page, preview }) => {
    await page.goto(preview.url);
    await expect(page.getByRole('heading', { name: 'Het beleid van uw organisatie is ongeldig' })).toBeVisible();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('vertrouwt ZORG-ID Desktop geen enkel portaal');
    await expect(alert).toContainText('AllowedPortalOrigins');
    await expect(alert).toContainText(join(dir, 'policy.json'));
    await expect(alert).toContainText('ERR_POLICY_INVALID');
    expect(preview.stderr()).toContain('ERR_POLICY_INVALID key=AllowedPortalOrigins');
    const view = (await invokeInPage(page, 'settings:get')) as { value: { effective: { portalAllowlist: unknown } } };
    expect(view.value.effective.portalAllowlist).toMatchObject({ value: [], locked: true });
    await noViolations(page, 'invalid policy');
    await page.screenshot({ path: join(DOC_SHOTS, 'policy-invalid.png'), fullPage: true });
  });
});

test.describe('a policy that lets people add portals', () => {
  const dir = policyDir({ AllowedPortalOrigins: ['https://portaal.zorgid.nl'], AllowUserPortalOrigins: true });
  test.use({ previewArgs: ['--policy-dir', dir] });

  test('the person adds a portal beside the organisation’s; a plain-http one is refused', async ({ page, preview }) => {
    await page.goto(preview.url);
    await page.getByRole('button', { name: 'Instellingen', exact: true }).click();
    const field = page.getByLabel('Eigen portalen');
    await field.fill('http://portaal.eigen.example');
    await page.getByRole('button', { name: 'Opslaan' }).last().click();
    await expect(page.getByRole('alert')).toContainText('ERR_SETTINGS_INVALID');
    await field.fill('https://portaal.eigen.example');
    await page.getByRole('button', { name: 'Opslaan' }).last().click();
    await expect(page.locator('[data-setting="portalAllowlist"]')).toContainText('https://portaal.zorgid.nl, https://portaal.eigen.example');
  });
});
