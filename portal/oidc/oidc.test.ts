// The OpenID Provider over real loopback HTTP (issue 18): openid-client as the relying party, the
// portal's card login (lab card tokens) as the interaction, a real SQLite file.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { CardLabPki } from '../../test/card-lab/pki';
import { LAB_VALID_AT, loadLab } from '../../test/card-lab/lab-tokens';
import type { Portal } from '../server';
import { createOrgPortal, TestBrowser } from '../test/org-flow';
import { ACR_SMARTCARD, LOA_HIGH } from './claims';
import { authRequest, cardLogin, codeFlow, follow, registerTestRp, startLogoutSink } from './test/oidc-flow';

let pki: CardLabPki;
let dir: string;
let portal: Portal;
let now: number;

beforeAll(async () => {
  pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-oidc-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  now = LAB_VALID_AT.getTime();
  portal = await createOrgPortal(pki, join(dir, `oidc-${randomBytes(6).toString('hex')}.sqlite`), { clock: () => now });
});
afterEach(async () => {
  await portal.close();
});

const P = () => portal;

async function createPortalWithLimits(): Promise<Portal> {
  const { createPortal } = await import('../server');
  const { labTrust, labCrls } = await import('../../test/card-lab/lab-tokens');
  const bucket = { perClient: { capacity: 2, perMinute: 1 }, global: { capacity: 100, perMinute: 100 } };
  return createPortal({ dbPath: join(dir, `oidc-limits-${randomBytes(6).toString('hex')}.sqlite`), trust: { ...labTrust(pki), crls: labCrls(pki) }, clock: () => now, rateLimits: { 'back-channel': bucket } });
}
const K = () => pki;

describe('OpenID Provider', () => {
  it('publishes discovery: code flow only, S256 only, pairwise, no registration endpoint', async () => {
    const res = await fetch(`${portal.url}/oidc/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d.issuer).toBe(`${portal.origin}/oidc`);
    expect(d.response_types_supported).toEqual(['code']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.subject_types_supported).toEqual(['pairwise']);
    expect(d.registration_endpoint).toBeUndefined();
    expect(d.grant_types_supported).toEqual(['authorization_code']);
    expect(d.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'private_key_jwt']);
    expect(d.backchannel_logout_supported).toBe(true);
    expect(d.end_session_endpoint).toBe(`${portal.origin}/oidc/session/end`);
    expect(d.scopes_supported).toEqual(expect.arrayContaining(['openid', 'naam', 'uzi', 'rol', 'organisatie']));
    const jwks = (await (await fetch(String(d.jwks_uri))).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]!.d).toBeUndefined();
  });

  it('runs the code flow with the card login; the ID token verifies and carries the documented claims', async () => {
    const rp = await registerTestRp(portal);
    const req = await authRequest(rp);
    const browser = new TestBrowser(P);
    const { callback } = await codeFlow(browser, P, K, rp, req);
    const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: `${portal.origin}/oidc`,
      aud: rp.clientId,
      nonce: req.nonce,
      acr: ACR_SMARTCARD,
      amr: ['sc', 'pin'],
      uzi_nummer: '900016528',
      pas_type: 'Z',
      loa_authn: LOA_HIGH,
      abonnee_nummer: expect.stringMatching(/^\d{8}$/),
      rol_code: expect.any(String),
      rol_code_bron: 'http://www.uzi-register.nl/rollen',
      achternaam: expect.any(String),
      voorletters: expect.stringMatching(/^([A-Z]\.)+$/),
    });
    expect(claims.sub).not.toContain('900016528');
    expect(typeof claims.auth_time).toBe('number');
    const info = await client.fetchUserInfo(rp.config, tokens.access_token, claims.sub);
    expect(info.uzi_nummer).toBe('900016528');
    expect(info.abonnee_nummer).toBe(claims.abonnee_nummer);
    expect((await portal.store.listAudit()).find((a) => a.action === 'oidc.token')).toMatchObject({ outcome: 'ok', actor: `client:${rp.clientId}` });
    // The code is single use: a replay gets invalid_grant.
    await expect(client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives each client its own sub for the same person (pairwise per client, one host)', async () => {
    const a = await registerTestRp(portal, { redirectUri: 'http://127.0.0.1:1/a' });
    const b = await registerTestRp(portal, { redirectUri: 'http://127.0.0.1:1/b' });
    const browser = new TestBrowser(P);
    const subs: string[] = [];
    for (const rp of [a, b, a]) {
      const req = await authRequest(rp);
      const { callback } = await codeFlow(browser, P, K, rp, req);
      const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
      subs.push(tokens.claims()!.sub);
    }
    expect(subs[0]).not.toBe(subs[1]);
    expect(subs[2]).toBe(subs[0]);
  });

  it('refuses without PKCE, with plain PKCE, with a wrong redirect URI and a scope not allowed for the client', async () => {
    const rp = await registerTestRp(portal, { scopes: ['naam'] });
    const browser = new TestBrowser(P);
    const cases: Array<[Record<string, string>, string]> = [
      [{ code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
      [{ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
      [{ redirect_uri: 'http://127.0.0.1:1/callback/other' }, 'invalid_redirect_uri'],
      [{ scope: 'openid naam uzi' }, 'invalid_scope'],
    ];
    for (const [extra, error] of cases) {
      const req = await authRequest(rp, { scope: 'openid naam', ...extra });
      for (const [k, v] of Object.entries(extra)) if (v === '') req.url.searchParams.delete(k);
      const { res, location } = await follow(browser, portal, req.url.href);
      const answer = location ? new URL(location).searchParams.get('error') : /<code id="oidc-error">([a-z_]+)<\/code>/.exec(await res.text())?.[1];
      expect(answer, JSON.stringify(extra)).toBe(error);
    }
    const audit = await portal.store.listAudit();
    expect(audit.some((a) => a.action === 'oidc.login')).toBe(false);
    expect(audit.filter((a) => a.action === 'oidc.authorize').map((a) => a.detail?.error)).toEqual(['invalid_scope', 'invalid_redirect_uri', 'invalid_request', 'invalid_request']);
  });

  it('refuses an unknown client and a wrong client secret', async () => {
    const rp = await registerTestRp(portal);
    const browser = new TestBrowser(P);
    const unknown = new URL(rp.config.serverMetadata().authorization_endpoint!);
    unknown.search = new URLSearchParams({ client_id: 'nobody', response_type: 'code', scope: 'openid', redirect_uri: rp.redirectUri }).toString();
    const { res } = await follow(browser, portal, unknown.href);
    expect(await res.text()).toContain('invalid_client');
    const req = await authRequest(rp);
    const { callback } = await codeFlow(browser, P, K, rp, req);
    const wrong = await client.discovery(new URL(`${portal.origin}/oidc`), rp.clientId, undefined, client.ClientSecretBasic('not-the-secret'), { execute: [client.allowInsecureRequests] });
    await expect(client.authorizationCodeGrant(wrong, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce })).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });

  it('authenticates a private_key_jwt client with the keys at its registered JWKS URL', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { createServer } = await import('node:http');
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-key-1', alg: 'RS256', use: 'sig' };
    const jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    try {
      const jwksUri = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`;
      const rp = await registerTestRp(portal, { auth: { method: 'private_key_jwt', jwksUri } });
      rp.config = await client.discovery(new URL(`${portal.origin}/oidc`), rp.clientId, undefined, client.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }), { execute: [client.allowInsecureRequests] });
      const req = await authRequest(rp);
      const { callback } = await codeFlow(new TestBrowser(P), P, K, rp, req);
      const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
      expect(tokens.claims()!.uzi_nummer).toBe('900016528');
    } finally {
      await new Promise((r) => jwksServer.close(r));
    }
  });

  it('gives no code for the account of before once the portal login ended (logout at the portal)', async () => {
    const rp = await registerTestRp(portal);
    const browser = new TestBrowser(P);
    const req = await authRequest(rp);
    await codeFlow(browser, P, K, rp, req);
    expect((await browser.form('/uitloggen', {})).status).toBe(303);
    const silent = await authRequest(rp, { prompt: 'none' });
    const answer = await follow(browser, portal, silent.url.href);
    expect(new URL(answer.location!).searchParams.get('error')).toBe('login_required');
    const again = await authRequest(rp);
    const next = await follow(browser, portal, again.url.href);
    // To the portal's login page, not back to the relying party.
    expect(next.location).toBeNull();
    expect(next.res.status).toBe(200);
    // Another person logs in at this browser: the code is for them.
    await cardLogin(browser, P, K, 'N-medewerker');
    const back = await follow(browser, portal, '/ingelogd');
    const tokens = await client.authorizationCodeGrant(rp.config, new URL(back.location!), { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce });
    expect(tokens.claims()!.uzi_nummer).not.toBe('900016528');
    expect(tokens.claims()!.pas_type).toBe('N');
  });

  it('sends a back-channel logout token to the client when the card is pulled', async () => {
    const sink = await startLogoutSink();
    try {
      const rp = await registerTestRp(portal, { backchannelLogoutUri: sink.url });
      const req = await authRequest(rp);
      const browser = new TestBrowser(P);
      const { callback, cardSessionId } = await codeFlow(browser, P, K, rp, req);
      const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
      const removed = await fetch(`${portal.url}/api/handoff/session/${cardSessionId}/card-removed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(removed.status).toBe(200);
      expect(sink.tokens).toHaveLength(1);
      const { jwtVerify, createRemoteJWKSet } = await import('jose');
      const { payload } = await jwtVerify(sink.tokens[0]!, createRemoteJWKSet(new URL(rp.config.serverMetadata().jwks_uri!)), { issuer: `${portal.origin}/oidc`, audience: rp.clientId });
      expect(payload.sub).toBe(tokens.claims()!.sub);
      expect(payload.sid).toEqual(expect.any(String));
      expect(payload.sid).toBe(tokens.claims()!.sid);
      expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      expect(payload.nonce).toBeUndefined();
      // The access token of that grant is gone too.
      await expect(client.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub)).rejects.toBeDefined();
    } finally {
      await sink.close();
    }
  });

  it('answers userinfo as a signed JWT for a client registered so', async () => {
    const rp = await registerTestRp(portal, { userinfoSigned: true });
    const req = await authRequest(rp);
    const { callback } = await codeFlow(new TestBrowser(P), P, K, rp, req);
    const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
    const res = await fetch(`${portal.url}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.headers.get('content-type')).toMatch(/^application\/jwt/);
    const { jwtVerify, createRemoteJWKSet } = await import('jose');
    const { payload } = await jwtVerify(await res.text(), createRemoteJWKSet(new URL(`${portal.url}/oidc/jwks`)), { issuer: `${portal.origin}/oidc`, audience: rp.clientId });
    expect(payload).toMatchObject({ sub: tokens.claims()!.sub, uzi_nummer: '900016528', abonnee_nummer: '90000382' });
  });

  it('refuses a nonce mismatch at the client and an expired code at the provider', async () => {
    const rp = await registerTestRp(portal);
    const browser = new TestBrowser(P);
    const req = await authRequest(rp);
    const { callback } = await codeFlow(browser, P, K, rp, req);
    await expect(client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: 'another-nonce' })).rejects.toMatchObject({ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
    const req2 = await authRequest(rp);
    const second = await codeFlow(browser, P, K, rp, req2);
    // 60 s codes (provider.ts ttl), expiry kept by the store with the portal's clock.
    now += 61_000;
    await expect(client.authorizationCodeGrant(rp.config, second.callback, { pkceCodeVerifier: req2.verifier, expectedState: req2.state, expectedNonce: req2.nonce })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps the house rules on /oidc: a bounded body and token buckets per client address', async () => {
    const big = await fetch(`${portal.url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x='.padEnd(20_000, 'a') });
    expect(big.status).toBe(413);
    const limited = await createPortalWithLimits();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await fetch(`${limited.url}/oidc/.well-known/openid-configuration`)).status);
    expect(answers).toEqual([200, 200, 429]);
    await limited.close();
  });

  it('names a ZORG-ID Smartcard login as such (pas_type), from the active Smartcard of its certificate', async () => {
    await portal.close();
    const { createPortal } = await import('../server');
    const { labTrust, labCrls } = await import('../../test/card-lab/lab-tokens');
    portal = await createPortal({
      dbPath: join(dir, `oidc-sc-${randomBytes(6).toString('hex')}.sqlite`),
      trust: { ...labTrust(pki), crls: labCrls(pki) },
      clock: () => now,
      smartcardCa: { certDer: pki.smartcardCa.certDer, keyPkcs8Der: pki.smartcardCa.keyPkcs8Der },
    });
    const der = Buffer.from(pki.cards['SC-employee'].auth!.certDer);
    const { createHash } = await import('node:crypto');
    await portal.store.createSmartcard({
      id: 'sc-1', uziNumber: '900016529', ura: '90000382', personId: null, name: 'Sanne Jansen', certSha256: createHash('sha256').update(der).digest('hex'),
      certDer: der.toString('base64'), serialHex: '01', status: 'pending', activationChallenge: 'x', createdAt: now, activatedAt: null, blockReason: null, blockedAt: null, removedAt: null,
    });
    expect(await portal.store.setSmartcardStatus('sc-1', ['pending'], 'active', now)).toBe(true);
    const rp = await registerTestRp(portal);
    const req = await authRequest(rp);
    const browser = new TestBrowser(P);
    const first = await follow(browser, portal, req.url.href);
    expect(first.location).toBeNull();
    await cardLogin(browser, P, K, 'SC-employee');
    const back = await follow(browser, portal, '/ingelogd');
    const tokens = await client.authorizationCodeGrant(rp.config, new URL(back.location!), { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
    expect(tokens.claims()).toMatchObject({ pas_type: 'ZORG-ID Smartcard', uzi_nummer: '900016529', acr: ACR_SMARTCARD, amr: ['sc', 'pin'] });
  });

  it('refuses an unknown interaction with its own code; a logged-in person goes on to the portal', async () => {
    const anonymous = await fetch(`${portal.url}/inloggen/oidc/abcdefghijklmnop`, { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(400);
    expect(await anonymous.text()).toContain('ERR_OIDC_INTERACTION_UNKNOWN');
    const browser = new TestBrowser(P);
    await browser.fetch('/');
    await cardLogin(browser, P, K);
    const loggedIn = await browser.fetch('/inloggen/oidc/abcdefghijklmnop');
    expect(loggedIn.status).toBe(303);
    expect(loggedIn.headers.get('location')).toBe('/ingelogd');
  });

  it('keeps tokens signed before a key rotation verifiable', async () => {
    const rp = await registerTestRp(portal);
    const browser = new TestBrowser(P);
    const req = await authRequest(rp);
    const { callback } = await codeFlow(browser, P, K, rp, req);
    const before = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state, expectedNonce: req.nonce });
    const oldKid = JSON.parse(Buffer.from(before.id_token!.split('.')[0]!, 'base64url').toString()).kid as string;
    const newKid = await portal.oidc.rotateKeys();
    const jwks = (await (await fetch(`${portal.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const { jwtVerify, createRemoteJWKSet } = await import('jose');
    const set = createRemoteJWKSet(new URL(`${portal.url}/oidc/jwks`));
    await expect(jwtVerify(before.id_token!, set, { issuer: `${portal.origin}/oidc` })).resolves.toBeDefined();
    const req2 = await authRequest(rp);
    const second = await codeFlow(browser, P, K, rp, req2);
    const after = await client.authorizationCodeGrant(rp.config, second.callback, { pkceCodeVerifier: req2.verifier, expectedState: req2.state, expectedNonce: req2.nonce });
    expect(JSON.parse(Buffer.from(after.id_token!.split('.')[0]!, 'base64url').toString()).kid).toBe(newKid);
  });
});
