// Test support for the OpenID Provider over real loopback HTTP: a portal on a fresh SQLite file that
// trusts the card lab, relying parties registered the administrator's way, openid-client as the
// relying party, and the card login that the interaction sends the browser through.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import * as client from 'openid-client';
import type { CardLabPki, LabCardId } from '../../../test/card-lab/pki';
import type { Portal } from '../../server';
import { flow, TestBrowser } from '../../test/org-flow';
import { registerClient, type ClientInput } from '../clients';

export interface LogoutSink {
  url: string;
  tokens: string[];
  close(): Promise<void>;
}

/** A relying party's back-channel logout endpoint: keeps every logout_token it is sent. */
export async function startLogoutSink(): Promise<LogoutSink> {
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/backchannel-logout`, tokens, close: () => new Promise((r) => server.close(() => r())) };
}

export interface TestRp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  config: client.Configuration;
}

export async function registerTestRp(portal: Portal, options: Partial<ClientInput> & { redirectUri?: string } = {}): Promise<TestRp> {
  const { redirectUri = 'http://127.0.0.1:1/callback', ...input } = options;
  const { clientId, clientSecret } = await registerClient(
    { store: portal.store.oidc, clock: Date.now, rng: (n) => new Uint8Array(randomBytes(n)), audit: (e) => portal.store.audit(e) },
    'test:administrator',
    { name: 'Test EPD', redirectUris: [redirectUri], scopes: ['naam', 'uzi', 'rol', 'organisatie'], auth: { method: 'client_secret_basic' }, ...input },
  );
  // private_key_jwt clients get no secret: the test sets its own client authentication.
  const auth = clientSecret ? client.ClientSecretBasic(clientSecret) : client.None();
  const config = await client.discovery(new URL(`${portal.origin}/oidc`), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
  return { clientId, clientSecret: clientSecret ?? '', redirectUri, config };
}

export interface AuthRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authRequest(rp: TestRp, extra: Record<string, string> = {}): Promise<AuthRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid naam uzi rol organisatie',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** Follows 30x inside the portal until the answer leaves it (the relying party's redirect) or stops. */
export async function follow(browser: TestBrowser, portal: Portal, start: string): Promise<{ res: Response; location: string | null }> {
  let url = start;
  for (let i = 0; i < 10; i++) {
    let res = await browser.fetch(url);
    // oidc-provider's self-submitting form (a logout of the session of before): post it as a browser would.
    const form = res.status === 200 ? /<title>Submitting Callback<\/title>[\s\S]*<form method="post" action="([^"]+)">([\s\S]*?)<noscript>/.exec(await res.clone().text()) : null;
    if (form) {
      const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      res = await browser.fetch(form[1]!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: portal.origin }, body: new URLSearchParams(fields).toString() });
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { res, location: null };
    const next = new URL(location, url.startsWith('http') ? url : portal.url);
    if (next.origin !== new URL(portal.url).origin) return { res, location: next.href };
    url = next.pathname + next.search;
  }
  throw new Error('redirect loop');
}

/** The portal's card login as the landing page starts it, the app signing with a lab card. */
export async function cardLogin(browser: TestBrowser, portal: () => Portal, pki: () => CardLabPki, card: LabCardId = 'Z-huisarts'): Promise<string> {
  const f = flow(portal, pki);
  const res = await browser.form('/api/handoff', { purpose: 'login' });
  expect(res.status).toBe(303);
  const id = /^\/handoff\/([A-Za-z0-9_-]{22})\/start$/.exec(res.headers.get('location') ?? '')![1]!;
  const signed = await f.appSigns(id, card);
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  expect((await browser.fetch(`/handoff/${id}/wait?bc=${signed.browserCode}`)).status).toBe(200);
  expect((await browser.json(`/handoff/${id}/complete`, { bc: signed.browserCode })).status).toBe(200);
  return signed.body.sessionId as string;
}

/** RP → authorize → (portal login) → code at the redirect URI. */
export async function codeFlow(browser: TestBrowser, portal: () => Portal, pki: () => CardLabPki, rp: TestRp, req: AuthRequest) {
  const first = await follow(browser, portal(), req.url.href);
  let cardSessionId: string | null = null;
  let location = first.location;
  if (!location) {
    // Not logged in at the portal: the interaction sent us to its landing page.
    expect(first.res.status).toBe(200);
    cardSessionId = await cardLogin(browser, portal, pki);
    location = (await follow(browser, portal(), '/ingelogd')).location;
  }
  expect(location, 'redirect to the relying party').toMatch(new RegExp(`^${rp.redirectUri}\\?`));
  return { callback: new URL(location!), cardSessionId };
}
