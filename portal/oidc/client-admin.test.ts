// Registering relying parties (issue 18 item 3) as the portal's administrator does it, over real
// HTTP with the Mobiel ID login; and a Mobiel ID login as the interaction of a code flow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { api, createAdminWorld, ORG_A, type AdminWorld } from '../test/admin-fixture';
import { ACR_MOBIEL } from './claims';
import { authRequest, follow } from './test/oidc-flow';

let world: AdminWorld;
beforeEach(async () => {
  world = await createAdminWorld();
});
afterEach(async () => {
  await world.close();
});

const form = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString();

describe('relying party registration', () => {
  it('lets an Administrator register a client on the page; the secret is shown once and audited', async () => {
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    const page = await admin.browser.fetch('/beheer/toepassingen');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Toepassing registreren');
    const res = await admin.browser.fetch('/beheer/toepassingen', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: world.portal.origin },
      body: form([
        ['naam', 'EPD De Linde'],
        ['redirect_uris', 'http://127.0.0.1:9/cb\nhttp://127.0.0.1:9/cb2'],
        ['scopes', 'naam'],
        ['scopes', 'rol'],
        ['authenticatie', 'client_secret_basic'],
      ]),
    });
    expect(res.status).toBe(201);
    const html = await res.text();
    const clientId = /id="client-id">([^<]+)</.exec(html)![1]!;
    expect(/id="client-secret">([A-Za-z0-9_-]{43})</.test(html)).toBe(true);
    const stored = (await world.portal.store.oidc.getClient(clientId))!;
    expect(stored.metadata).toMatchObject({ redirect_uris: ['http://127.0.0.1:9/cb', 'http://127.0.0.1:9/cb2'], scope: 'openid naam rol', token_endpoint_auth_method: 'client_secret_basic' });
    const list = await api(admin.browser, 'GET', '/api/beheer/toepassingen');
    expect(JSON.stringify(list.json)).not.toContain(String(stored.metadata.client_secret));
    const audit = (await world.portal.store.listAudit()).find((a) => a.action === 'oidc.client.register');
    expect(audit).toMatchObject({ outcome: 'ok', actor: `person:${admin.person.id}` });
    expect(JSON.stringify(audit)).not.toContain(String(stored.metadata.client_secret));
  });

  it('registers private_key_jwt with a JWKS URL over the API, and refuses invalid input', async () => {
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    const ok = await api(admin.browser, 'POST', '/api/beheer/toepassingen', {
      name: 'Lab',
      redirectUris: ['https://lab.example/cb'],
      scopes: ['uzi'],
      auth: { method: 'private_key_jwt', jwksUri: 'https://lab.example/jwks' },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.clientSecret).toBeNull();
    const bad = await api(admin.browser, 'POST', '/api/beheer/toepassingen', { name: 'x', redirectUris: ['https://a.example/cb#frag'], scopes: ['uzi'], auth: { method: 'client_secret_basic' } });
    expect(bad).toMatchObject({ status: 400, json: { code: 'ERR_OIDC_CLIENT_INVALID' } });
  });

  it('refuses a Beheerder, an anonymous browser and a foreign origin', async () => {
    const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    const body = { name: 'x', redirectUris: ['https://a.example/cb'], scopes: ['uzi'], auth: { method: 'client_secret_basic' } };
    expect((await api(beheerder.browser, 'POST', '/api/beheer/toepassingen', body)).json.code).toBe('ERR_ADMIN_FORBIDDEN');
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    const foreign = await admin.browser.fetch('/api/beheer/toepassingen', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify(body) });
    expect(foreign.status).toBe(403);
    const anonymous = await fetch(`${world.portal.url}/api/beheer/toepassingen`);
    expect(anonymous.status).toBe(401);
    expect(await world.portal.store.oidc.listClients()).toEqual([]);
  });
});

describe('signing key rotation', () => {
  it('lets an Administrator rotate the key from the screen; the JWKS keeps the old key; audited', async () => {
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    const home = await (await admin.browser.fetch('/beheer')).text();
    expect(home).toContain('href="/beheer/toepassingen"');
    const before = (await (await fetch(`${world.portal.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> };
    const res = await admin.browser.fetch('/beheer/toepassingen/sleutel', { method: 'POST', headers: { origin: world.portal.origin } });
    expect(res.status).toBe(303);
    expect(await (await admin.browser.fetch(res.headers.get('location')!)).text()).toContain('nieuwe ondertekeningssleutel');
    const after = (await (await fetch(`${world.portal.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(after.keys.map((k) => k.kid)).toEqual([expect.any(String), before.keys[0]!.kid]);
    expect((await world.portal.store.listAudit()).find((a) => a.action === 'oidc.key.rotate')).toMatchObject({ actor: `person:${admin.person.id}`, outcome: 'ok' });
    const beheerder = await world.member({ ura: ORG_A.ura, role: 'Beheerder' });
    expect((await api(beheerder.browser, 'POST', '/api/beheer/toepassingen/sleutel', {})).json.code).toBe('ERR_ADMIN_FORBIDDEN');
  });
});

describe('Mobiel ID login as the interaction', () => {
  it('finishes the code flow with acr mobiel after the login QR', async () => {
    const admin = await world.member({ ura: ORG_A.ura, role: 'Administrator' });
    const registered = await api(admin.browser, 'POST', '/api/beheer/toepassingen', { name: 'EPD', redirectUris: ['http://127.0.0.1:9/cb'], scopes: ['naam', 'uzi', 'organisatie'], auth: { method: 'client_secret_basic' } });
    const clientId = registered.json.clientId as string;
    const config = await client.discovery(new URL(`${world.portal.origin}/oidc`), clientId, undefined, client.ClientSecretBasic(registered.json.clientSecret as string), { execute: [client.allowInsecureRequests] });
    const rp = { clientId, clientSecret: '', redirectUri: 'http://127.0.0.1:9/cb', config };
    const req = await authRequest(rp, { scope: 'openid naam uzi organisatie' });
    const user = await world.member({ ura: ORG_A.ura, role: 'Gebruiker', login: false });
    const first = await follow(user.browser, world.portal, req.url.href);
    expect(first.location).toBeNull();
    await world.login(user.browser, user.mobile);
    const back = await follow(user.browser, world.portal, '/ingelogd');
    const tokens = await client.authorizationCodeGrant(config, new URL(back.location!), { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
    // One membership (ORG_A): that organisation is the abonnee.
    expect(tokens.claims()).toMatchObject({ acr: ACR_MOBIEL, amr: ['swk', 'user'], pas_type: 'Mobiel', name: user.person.name, abonnee_nummer: ORG_A.ura, abonnee_naam: ORG_A.name });
  });
});
