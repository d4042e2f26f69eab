// OpenID Connect end to end (issue 18): the example relying party (openid-client) → the portal's
// authorize → the portal's own login page in Chromium → loopback handoff to the preview app → PIN on
// the card lab's virtual card → signed challenge → code → tokens verified by openid-client → the RP
// shows the claims; the card pulled → the RP got a logout token and its session is gone. Run under
// `flock /tmp/zorgid-lab.lock` (the vpcd readers are shared); skips without pcscd + vpcd.
import { randomBytes } from 'node:crypto';
import type { Portal } from '../../portal/server';
import { seedDemoClient } from '../../portal/oidc/clients';
import { startRelyingParty, type RelyingParty } from '../../examples/relying-party/relying-party';
import { expect, invokeInPage, test } from './fixtures';
import { hostOf, LAB_PIN, openApp, requireCardLab, startLabApp, type LabApp } from './lab-app';

requireCardLab('OpenID Connect E2E');
test.describe.configure({ timeout: 90_000 });

let lab: LabApp;
let portal: Portal;
let rp: RelyingParty;
const secret = randomBytes(32).toString('base64url');

test.beforeAll(async () => {
  test.setTimeout(120_000);
  lab = await startLabApp({ portals: [{ name: 'portal' }] });
  [portal] = lab.portals as [Portal];
  rp = await startRelyingParty({ issuer: `${portal.origin}/oidc`, clientId: 'voorbeeld-epd', clientSecret: secret });
  const rng = (n: number) => new Uint8Array(randomBytes(n));
  await seedDemoClient({ store: portal.store.oidc, clock: Date.now, rng, audit: (e) => portal.store.audit(e) }, { clientId: 'voorbeeld-epd', clientSecret: secret, baseUrl: rp.url });
});

test.afterAll(async () => {
  await rp?.close();
  await lab?.close();
});

test('Inloggen met ZORG-ID at the relying party → card + PIN in the app → verified claims; card pulled → RP session gone', async ({ browser }) => {
  const { ctx, page: appPage } = await openApp(browser, lab.app, { card: 'Z' });
  const rpCtx = await browser.newContext({ locale: 'nl-NL' });
  const page = await rpCtx.newPage();
  await page.goto(`${rp.url}/`);
  await page.click('#login');
  // No second login screen: the portal's own landing page.
  await page.waitForURL(`${portal.url}/`);
  await page.click('#login-card');
  await page.waitForURL(/\/handoff\/[A-Za-z0-9_-]{22}\/wait$/, { timeout: 10_000 });

  const request = appPage.locator('section[data-step="request"]');
  await expect(request.locator('h1')).toHaveText(`${hostOf(portal.url)} vraagt u in te loggen`, { timeout: 10_000 });
  await request.getByRole('button', { name: 'Doorgaan' }).click();
  await expect(appPage.locator('section[data-step="pin"]')).toBeVisible({ timeout: 15_000 });
  await appPage.getByLabel('Pincode', { exact: true }).fill(LAB_PIN);
  await appPage.getByRole('button', { name: 'Inloggen' }).click();

  await page.waitForURL(`${rp.url}/`, { timeout: 20_000 });
  await expect(page.locator('h1')).toHaveText('U bent ingelogd met ZORG-ID');
  const claims = page.locator('#claims');
  await expect(claims).toContainText('900016528');
  await expect(claims).toContainText('90000382');
  await expect(claims).toContainText('["sc","pin"]');
  expect(rp.sessions.size).toBe(1);

  await invokeInPage(appPage, 'demo:remove', { reader: 0 });
  await expect.poll(() => rp.sessions.size, { timeout: 5_000 }).toBe(0);
  await page.reload();
  await expect(page.locator('#login')).toBeVisible();

  await ctx.close();
  await rpCtx.close();
});

test('Uitloggen at the relying party → "Ja, uitloggen" at ZORG-ID → back at the relying party, logged out everywhere', async ({ browser }) => {
  const { ctx, page: appPage } = await openApp(browser, lab.app, { card: 'Z' });
  const rpCtx = await browser.newContext({ locale: 'nl-NL' });
  const page = await rpCtx.newPage();
  await page.goto(`${rp.url}/login`);
  await page.waitForURL(`${portal.url}/`);
  await page.click('#login-card');
  const request = appPage.locator('section[data-step="request"]');
  await expect(request.locator('h1')).toHaveText(`${hostOf(portal.url)} vraagt u in te loggen`, { timeout: 10_000 });
  await request.getByRole('button', { name: 'Doorgaan' }).click();
  await appPage.getByLabel('Pincode', { exact: true }).fill(LAB_PIN);
  await appPage.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(`${rp.url}/`, { timeout: 20_000 });

  await page.click('#logout');
  await expect(page.locator('h1')).toHaveText('Uitloggen bij ZORG-ID');
  await page.click('#logout-yes');
  await page.waitForURL(`${rp.url}/`, { timeout: 10_000 });
  await expect(page.locator('#login')).toBeVisible();
  const session = await page.request.get(`${portal.url}/api/session`);
  expect(await session.json()).toMatchObject({ active: false });

  await invokeInPage(appPage, 'demo:remove', { reader: 0 });
  await ctx.close();
  await rpCtx.close();
});
