// An example relying party of ZORG-ID (issue 18 item 5): a small web application that logs in with
// the portal's OpenID Provider through openid-client (authorization code + PKCE S256, state, nonce),
// shows the verified claims, and forgets its session when ZORG-ID sends a back-channel logout token
// (the card was pulled) or after an RP-initiated logout. Sessions live in memory: it is an example.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { claimsPage, homePage, loggedOutPage } from './pages';

export interface RelyingPartyOptions {
  /** e.g. http://127.0.0.1:24780/oidc */
  issuer: string;
  clientId: string;
  clientSecret: string;
  port?: number;
  scope?: string;
}

export interface RpSession {
  claims: Record<string, unknown>;
  userinfo: Record<string, unknown> | null;
  idToken: string;
}

export interface RelyingParty {
  url: string;
  sessions: Map<string, RpSession>;
  close(): Promise<void>;
}

const COOKIE = 'voorbeeld_rp';
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const token = () => randomBytes(24).toString('base64url');
const MAX_BODY = 16 * 1024;

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** No scripts anywhere; forms post here only, and (the logout's redirect) on to ZORG-ID at `issuer`. */
const pageSender = (issuer: string) => (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  // Chrome applies form-action to the redirect after a form post.
  const formTarget = `'self' ${new URL(issuer).origin}`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'none'; form-action ${formTarget}; frame-ancestors 'none'; base-uri 'none'`,
    ...headers,
  });
  res.end(body);
};
const redirect = (res: ServerResponse, location: string, headers: Record<string, string> = {}) => {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
};

export async function startRelyingParty(options: RelyingPartyOptions): Promise<RelyingParty> {
  const config = await oidc.discovery(new URL(options.issuer), options.clientId, undefined, oidc.ClientSecretBasic(options.clientSecret), {
    // The reference portal speaks http on loopback only.
    execute: new URL(options.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
  });
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
  const send = pageSender(options.issuer);
  const scope = options.scope ?? 'openid naam uzi rol organisatie';
  const sessions = new Map<string, RpSession>();
  /** Pending logins by their cookie: the PKCE verifier, state and nonce of one authorization request. */
  const pending = new Map<string, { verifier: string; state: string; nonce: string }>();
  /** Logout token ids seen (no replay). */
  const seenJti = new Set<string>();
  let base = '';

  async function login(res: ServerResponse) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const id = token();
    pending.set(id, { verifier, state, nonce });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${base}/callback`,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    redirect(res, url.href, { 'set-cookie': `voorbeeld_login=${id}; HttpOnly; SameSite=Lax; Path=/callback; Max-Age=600` });
  }

  async function callback(req: IncomingMessage, res: ServerResponse) {
    const id = cookieOf(req, 'voorbeeld_login');
    const checks = id ? pending.get(id) : undefined;
    if (!checks || !id) return send(res, 400, loggedOutPage('Geen lopende inlogpoging. Probeer opnieuw.'));
    pending.delete(id);
    try {
      const tokens = await oidc.authorizationCodeGrant(config, new URL(req.url!, base), { pkceCodeVerifier: checks.verifier, expectedState: checks.state, expectedNonce: checks.nonce });
      const claims = tokens.claims()!;
      const userinfo = (await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) as Record<string, unknown>;
      const session = token();
      sessions.set(session, { claims: { ...claims }, userinfo, idToken: tokens.id_token! });
      redirect(res, '/', { 'set-cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Lax; Path=/` });
    } catch (err) {
      send(res, 400, loggedOutPage(`Inloggen mislukt: ${(err as { error?: string }).error ?? (err as Error).message}`));
    }
  }

  /** OpenID Connect Back-Channel Logout 1.0 §2.6: validate the logout token, then end the sessions it names. */
  async function backchannelLogout(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const logoutToken = body === null ? null : new URLSearchParams(body).get('logout_token');
    try {
      if (!logoutToken) throw new Error('no logout_token');
      const { payload } = await jwtVerify(logoutToken, jwks, { issuer: config.serverMetadata().issuer, audience: options.clientId, typ: 'logout+jwt', maxTokenAge: '2m' });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || typeof events[LOGOUT_EVENT] !== 'object' || 'nonce' in payload || (!payload.sub && !payload.sid)) throw new Error('not a logout token');
      if (!payload.jti || seenJti.has(payload.jti)) throw new Error('replayed');
      seenJti.add(payload.jti);
      for (const [id, s] of sessions) if ((payload.sid && s.claims.sid === payload.sid) || (!payload.sid && s.claims.sub === payload.sub)) sessions.delete(id);
      res.writeHead(200, { 'cache-control': 'no-store' }).end();
    } catch {
      res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ error: 'invalid_request' }));
    }
  }

  /** RP-initiated logout: forget the session here, then ask ZORG-ID to end its session too. */
  function logout(req: IncomingMessage, res: ServerResponse) {
    const id = cookieOf(req, COOKIE);
    const session = id ? sessions.get(id) : undefined;
    if (id) sessions.delete(id);
    if (!session) return redirect(res, '/');
    const url = oidc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${base}/` });
    redirect(res, url.href, { 'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0` });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', base).pathname;
    const session = sessions.get(cookieOf(req, COOKIE) ?? '') ?? null;
    if (req.method === 'GET' && path === '/') return send(res, 200, session ? claimsPage(session) : homePage(options.issuer));
    if (req.method === 'GET' && path === '/api/session') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(JSON.stringify(session ? { loggedIn: true, claims: session.claims, userinfo: session.userinfo } : { loggedIn: false }));
    }
    if (req.method === 'GET' && path === '/login') return login(res);
    if (req.method === 'GET' && path === '/callback') return callback(req, res);
    if (req.method === 'POST' && path === '/backchannel-logout') return backchannelLogout(req, res);
    // A cross-site page must not log the user out: our own form only.
    if (req.method === 'POST' && path === '/logout' && (req.headers.origin === undefined || req.headers.origin === base)) return logout(req, res);
    send(res, 404, loggedOutPage('Niet gevonden.'));
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch(() => send(res, 500, loggedOutPage('Er ging iets mis.')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
