// What every request passes before a route sees it (issue 15 item 1): a same-origin check on every
// state-changing browser route, token buckets on the anonymous routes, and a bound on the body that
// holds while it is read — with or without Content-Length — then a JSON check. One table says which
// route gets what, so a new route gets the strict defaults unless it is listed.
import type { Context, MiddlewareHandler } from 'hono';
import type { ErrorCode } from './errors';
import { HANDOFF_TOKEN_MAX_BYTES } from '@zorgid/protocol';
import type { Env } from './route-context';
import type { RateLimitClass, RateLimiter } from './rate-limit';
import { readCapped } from '@zorgid/protocol';

/** A few KiB is all any form or JSON call of the portal needs. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

/**
 * browser: cookie-authenticated (or session-making) calls from our own pages: `Origin` must be ours
 * or `Sec-Fetch-Site` same-origin. `none` (typed address, bookmark) is refused too: no top-level
 * navigation of the portal is a POST.
 * machine: calls of ZORG-ID Desktop and the Mobile App that read no cookie and prove themselves by
 * an unguessable request/session id, a card-signed token, a device signature or a bearer token: a
 * cross-site page gains nothing by making a browser send them, and these clients send no Origin.
 * Only a foreign Origin is refused there (a browser page of another site never has a reason to call).
 * browser-or-cookieless-json: `POST /api/handoff`, which our pages post (form or fetch) and the
 * desktop app posts as JSON for `create-smartcard`; without a session cookie the request is bound
 * to a new session nobody holds, so nothing of a victim's browser is at stake.
 */
export type CsrfPolicy = 'browser' | 'machine' | 'browser-or-cookieless-json';

export interface RoutePolicy {
  bodyLimit: number;
  /** The code of a body over the limit; the token route keeps its own (handoff-protocol.md §5). */
  tooLarge: ErrorCode;
  /** Body parsed as JSON when its Content-Type says so; the token route leaves that to the validator. */
  checkJson: boolean;
  rate: RateLimitClass | null;
  csrf: CsrfPolicy;
}

const STRICT: RoutePolicy = { bodyLimit: DEFAULT_BODY_LIMIT, tooLarge: 'ERR_HTTP_BODY_TOO_LARGE', checkJson: true, rate: null, csrf: 'browser' };
const ID = '[A-Za-z0-9_-]+';

/** First match wins; methods other than these read no body and change nothing (GET, HEAD). */
const ROUTES: Array<{ method: 'GET' | 'POST'; path: RegExp; policy: Partial<RoutePolicy> }> = [
  { method: 'GET', path: /^\/$/, policy: { rate: 'session' } },
  { method: 'GET', path: /^\/api\/operator\//, policy: { rate: 'operator' } },
  // The OpenID Provider's interaction step (portal/oidc/); its /oidc/* paths are limited in oidc/mount.ts.
  { method: 'GET', path: /^\/inloggen\/oidc\//, policy: { rate: 'session' } },
  { method: 'GET', path: new RegExp(`^/api/handoff/${ID}(/[a-z-]+)?$`), policy: { rate: 'back-channel' } },
  { method: 'POST', path: /^\/api\/login-qr$/, policy: { rate: 'session' } },
  { method: 'POST', path: /^\/api\/handoff$/, policy: { rate: 'handoff', bodyLimit: 4096, csrf: 'browser-or-cookieless-json' } },
  { method: 'POST', path: /^\/organisatie\/valideren$/, policy: { rate: 'handoff' } },
  { method: 'POST', path: /^\/operator$/, policy: { rate: 'operator' } },
  { method: 'POST', path: /^\/api\/operator\/registrations$/, policy: { rate: 'operator', csrf: 'machine' } },
  { method: 'POST', path: /^\/api\/mobile\/(enrol|login|login-prompt|id-status)$/, policy: { rate: 'mobile', csrf: 'machine' } },
  // Beyond the validator's 10 000 bytes, but bounded before anything is buffered.
  {
    method: 'POST',
    path: new RegExp(`^/api/handoff/${ID}/token$`),
    policy: { rate: 'back-channel', csrf: 'machine', bodyLimit: HANDOFF_TOKEN_MAX_BYTES + 6000, tooLarge: 'ERR_TOKEN_SIZE', checkJson: false },
  },
  { method: 'POST', path: new RegExp(`^/api/handoff/${ID}/progress$`), policy: { rate: 'back-channel', csrf: 'machine', bodyLimit: 1024 } },
  { method: 'POST', path: new RegExp(`^/api/handoff/${ID}/cancel$`), policy: { rate: 'back-channel', csrf: 'machine', bodyLimit: 1024 } },
  { method: 'POST', path: new RegExp(`^/api/handoff/session/${ID}/card-removed$`), policy: { rate: 'back-channel', csrf: 'machine', bodyLimit: 1024 } },
  // A token (≤ 10 000 bytes) and a CSR of an RSA key up to 4096 bits (about 1.6 KB in base64).
  { method: 'POST', path: new RegExp(`^/api/smartcard/${ID}/certify$`), policy: { rate: 'back-channel', csrf: 'machine', bodyLimit: 24 * 1024 } },
  { method: 'POST', path: new RegExp(`^/api/smartcard/${ID}/activate$`), policy: { rate: 'back-channel', csrf: 'machine', bodyLimit: 4096 } },
  { method: 'POST', path: new RegExp(`^/handoff/${ID}/complete$`), policy: { rate: 'back-channel', bodyLimit: 1024 } },
];

export function routePolicy(method: string, path: string): RoutePolicy | null {
  const readOnly = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  const match = ROUTES.find((r) => (r.method === 'GET' ? readOnly : !readOnly) && r.path.test(path));
  if (readOnly) return match?.policy.rate ? { ...STRICT, ...match.policy } : null;
  return { ...STRICT, ...match?.policy };
}

export interface GuardDeps {
  origin: () => string;
  limiter: RateLimiter;
  refuse(c: Context<Env>, code: ErrorCode, html?: boolean): Response;
  hasSessionCookie(c: Context<Env>): boolean;
}

const isJsonType = (type: string) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type);
const isFormType = (type: string) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(type);

/** The client as the socket sees it; a proxy in front would need its own, trusted, header. */
function clientAddress(c: Context<Env>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function crossSite(c: Context<Env>, policy: CsrfPolicy, deps: GuardDeps): ErrorCode | null {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  // Kept from before: a foreign Origin (also "null") is refused on every route, machine ones included.
  if (origin !== undefined && origin !== deps.origin()) return 'ERR_PORTAL_FORBIDDEN_ORIGIN';
  if (site !== undefined && site !== 'same-origin') return 'ERR_HTTP_CROSS_SITE';
  if (origin !== undefined || site !== undefined) return null;
  if (policy === 'machine') return null;
  // A browser always sends Origin on a JSON POST (it is no CORS-safelisted type), so JSON without
  // Origin or Sec-Fetch-Site is no browser; without our cookie it acts for nobody's session.
  if (policy === 'browser-or-cookieless-json' && isJsonType(c.req.header('content-type') ?? '') && !deps.hasSessionCookie(c)) return null;
  return 'ERR_HTTP_CROSS_SITE';
}

type Bounded = { ok: true; bytes: Uint8Array } | { ok: false };

/** Reads at most `limit` bytes; one more and the stream is cancelled, the rest never buffered. */
async function readBounded(c: Context<Env>, limit: number): Promise<Bounded> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && c.req.header('transfer-encoding') === undefined && !(Number(declared) <= limit)) return { ok: false };
  // On Node (server.ts) the request's own stream, not the web stream Hono would wrap around it.
  const bytes = await readCapped(c.env?.incoming ?? c.req.raw.body, limit);
  return bytes ? { ok: true, bytes } : { ok: false };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// As Request.text() decodes: UTF-8 with replacement, a leading BOM dropped.
const utf8 = new TextDecoder('utf-8');

/** The body's text when it is UTF-8 and JSON, else null. */
function jsonText(bytes: Uint8Array): string | null {
  try {
    const text = strictUtf8.decode(bytes);
    JSON.parse(text);
    return text;
  } catch {
    return null;
  }
}

export function httpGuard(deps: GuardDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const policy = routePolicy(c.req.method, c.req.path);
    if (!policy) return next();
    const type = c.req.header('content-type') ?? '';
    // Pages get the error page; the page script and the apps get JSON.
    const html = isFormType(type) || (!c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html'));
    const readOnly = c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS';
    const csrf = readOnly ? null : crossSite(c, policy.csrf, deps);
    if (csrf) return tooMuch(c, deps.refuse(c, csrf, html));
    if (policy.rate) {
      const decision = deps.limiter.take(policy.rate, clientAddress(c));
      if (!decision.ok) {
        const res = tooMuch(c, deps.refuse(c, 'ERR_HTTP_RATE_LIMITED', html));
        res.headers.set('Retry-After', String(decision.retryAfterSeconds));
        return res;
      }
    }
    if (readOnly) return next();
    const body = await readBounded(c, policy.bodyLimit);
    if (!body.ok) return tooMuch(c, deps.refuse(c, policy.tooLarge, html));
    // Checked JSON is decoded once: strict UTF-8 that succeeds is what the lenient decoder gives too.
    const text = policy.checkJson && isJsonType(type) ? jsonText(body.bytes) : undefined;
    if (text === null) return deps.refuse(c, 'ERR_HTTP_BAD_JSON', html);
    keepBody(c, body.bytes, text);
    return next();
  };
}

/**
 * The route reads the buffered copy (the original stream is spent): Hono's body cache, which text(),
 * json(), arrayBuffer() and parseBody() read first. It used to be a new Request around the bytes: two
 * undici Requests and a web stream per request, 0.03 ms of each token's (issue 16).
 */
function keepBody(c: Context<Env>, bytes: Uint8Array, text = utf8.decode(bytes)): void {
  // Hono keeps promises there (its types say values; hono/validator fills formData the same way).
  const cache = c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer>; text?: Promise<string> };
  cache.arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  cache.text = Promise.resolve(text);
}

/** A refusal before the body was read: the connection closes rather than read the rest. */
function tooMuch(c: Context<Env>, res: Response): Response {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') res.headers.set('Connection', 'close');
  return res;
}
