// The example relying party (examples/relying-party/) against the real portal over loopback: log in
// with a lab card, verified claims on its page, the card pulled → its session is gone; RP-initiated
// logout ends the provider's session too.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startRelyingParty, type RelyingParty } from '../../examples/relying-party/relying-party';
import type { CardLabPki } from '../card-lab/pki';
import { LAB_VALID_AT, loadLab } from '../card-lab/lab-tokens';
import type { Portal } from '../../portal/server';
import { createOrgPortal, TestBrowser } from '../../portal/test/org-flow';
import { seedDemoClient } from '../../portal/oidc/clients';
import { cardLogin, follow } from '../../portal/oidc/test/oidc-flow';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let rp: RelyingParty;
const secret = randomBytes(32).toString('base64url');

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-oidc-rp-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  portal = await createOrgPortal(pki, join(dir, `rp-${randomBytes(6).toString('hex')}.sqlite`), { clock: () => LAB_VALID_AT.getTime() });
  rp = await startRelyingParty({ issuer: `${portal.origin}/oidc`, clientId: 'voorbeeld-epd', clientSecret: secret });
  await seedDemoClient({ store: portal.store.oidc, clock: Date.now, rng: (n) => new Uint8Array(randomBytes(n)), audit: (e) => portal.store.audit(e) }, { clientId: 'voorbeeld-epd', clientSecret: secret, baseUrl: rp.url });
});
afterEach(async () => {
  await rp.close();
  await portal.close();
});

async function logIn(browser: TestBrowser): Promise<string> {
  const start = await browser.fetch(`${rp.url}/login`);
  expect(start.status).toBe(303);
  const first = await follow(browser, portal, start.headers.get('location')!);
  expect(first.location).toBeNull();
  const cardSessionId = await cardLogin(browser, () => portal, () => pki);
  const back = await follow(browser, portal, '/ingelogd');
  expect(back.location).toMatch(new RegExp(`^${rp.url}/callback\\?`));
  const done = await browser.fetch(back.location!);
  expect(done.status, await done.clone().text()).toBe(303);
  return cardSessionId;
}

const session = async (browser: TestBrowser) => (await (await browser.fetch(`${rp.url}/api/session`)).json()) as { loggedIn: boolean; claims?: Record<string, unknown> };

it('logs in with ZORG-ID, shows the verified claims, and drops the session when the card is pulled', async () => {
  const browser = new TestBrowser(() => portal);
  const cardSessionId = await logIn(browser);
  const s = await session(browser);
  expect(s).toMatchObject({ loggedIn: true, claims: { uzi_nummer: '900016528', abonnee_nummer: '90000382', amr: ['sc', 'pin'] } });
  const page = await (await browser.fetch(`${rp.url}/`)).text();
  expect(page).toContain('U bent ingelogd met ZORG-ID');
  expect(page).toContain('900016528');
  const removed = await fetch(`${portal.url}/api/handoff/session/${cardSessionId}/card-removed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(((await removed.json()) as { ended: number }).ended).toBe(1);
  expect(await session(browser)).toEqual({ loggedIn: false });
  expect(rp.sessions.size).toBe(0);
  expect((await portal.store.listAudit()).find((a) => a.action === 'oidc.backchannel-logout')).toMatchObject({ outcome: 'ok' });
});

it('drops the session when the person logs out at the portal', async () => {
  const browser = new TestBrowser(() => portal);
  await logIn(browser);
  expect((await session(browser)).loggedIn).toBe(true);
  expect((await browser.form('/uitloggen', {})).status).toBe(303);
  expect(await session(browser)).toEqual({ loggedIn: false });
});

it('refuses a forged logout token and keeps the session', async () => {
  const browser = new TestBrowser(() => portal);
  await logIn(browser);
  const forged = await fetch(`${rp.url}/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'logout_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
  expect(forged.status).toBe(400);
  expect((await session(browser)).loggedIn).toBe(true);
});

it('RP-initiated logout ends the session at the relying party and at ZORG-ID', async () => {
  const browser = new TestBrowser(() => portal);
  await logIn(browser);
  const out = await browser.fetch(`${rp.url}/logout`, { method: 'POST', headers: { origin: rp.url } });
  expect(out.status).toBe(303);
  expect((await session(browser)).loggedIn).toBe(false);
  const question = await browser.fetch(out.headers.get('location')!);
  const html = await question.text();
  expect(html).toContain('Uitloggen bij ZORG-ID');
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
  const action = /action="([^"]+)"/.exec(html)![1]!;
  const confirmed = await browser.fetch(new URL(action, portal.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: portal.origin },
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
  expect(confirmed.status).toBe(303);
  expect(confirmed.headers.get('location')).toBe(`${rp.url}/`);
  // The provider's session is gone: a new authorization request needs a login again.
  const again = await browser.fetch(`${rp.url}/login`);
  const next = await follow(browser, portal, again.headers.get('location')!);
  expect(next.location).toBeNull();
});
