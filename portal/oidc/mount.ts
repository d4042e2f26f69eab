// oidc-provider is Koa: its paths (/oidc/*) are routed in the Node server before Hono sees the request,
// so its own body parser reads the body. The portal's rules still hold there: a token bucket per client
// address (rate-limit.ts), a bounded body, and the portal's security headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_BODY_LIMIT } from '../http-guard';
import type { RateLimitClass, RateLimiter } from '../rate-limit';
import type { Oidc } from './oidc';
import { OIDC_PREFIX } from './provider';

/** Machine-to-machine endpoints of relying parties; the rest are browser navigations. */
const BACK_CHANNEL = /^\/(token|me|jwks|token\/revocation|\.well-known\/openid-configuration)$/;

function refuse(res: ServerResponse, status: number, error: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra });
  res.end(JSON.stringify({ error, error_description: error === 'ERR_HTTP_RATE_LIMITED' ? 'too many requests' : 'request body too large or without length' }));
}

/** true when the request was the provider's (and is being answered). */
export function createOidcListener(oidc: Oidc, limiter: RateLimiter): (req: IncomingMessage, res: ServerResponse) => boolean {
  const callbacks = new WeakMap<object, (req: IncomingMessage, res: ServerResponse) => unknown>();
  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path !== OIDC_PREFIX && !path.startsWith(`${OIDC_PREFIX}/`)) return false;
    const rest = path.slice(OIDC_PREFIX.length) || '/';
    const limitClass: RateLimitClass = BACK_CHANNEL.test(rest) ? 'back-channel' : 'session';
    const decision = limiter.take(limitClass, req.socket.remoteAddress ?? 'unknown');
    if (!decision.ok) {
      refuse(res, 429, 'ERR_HTTP_RATE_LIMITED', { 'retry-after': String(decision.retryAfterSeconds) });
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const length = Number(req.headers['content-length'] ?? NaN);
      if (!(length <= DEFAULT_BODY_LIMIT)) {
        refuse(res, 413, 'ERR_HTTP_BODY_TOO_LARGE');
        return true;
      }
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action *; frame-ancestors 'none'; base-uri 'none'");
    // Express-style mount: oidc-provider derives its mount path from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(OIDC_PREFIX.length) || '/';
    oidc
      .provider()
      .then((p) => {
        let cb = callbacks.get(p);
        if (!cb) {
          cb = p.callback();
          callbacks.set(p, cb);
        }
        return cb(req, res);
      })
      .catch(() => {
        if (!res.headersSent) refuse(res, 500, 'server_error');
      });
    return true;
  };
}
