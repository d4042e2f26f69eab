// What runs around every route: the session from its cookie, the security headers on every answer,
// the error page or body for anything a route throws, and http-guard.ts (origin, rate and body checks
// before any route reads its input).
import { AppError, type ErrorCode } from '../errors';
import { httpGuard } from '../http-guard';
import { contentSecurityPolicy } from '../pages/layout';
import { errorPage } from '../pages/pages';
import { createRateLimiter, type RateLimits } from '../rate-limit';
import { errorBody } from '../refusal';
import type { RouteContext } from '../route-context';
import type { Sessions } from '../sessions';

export function registerPortalMiddleware(ctx: RouteContext, deps: { sessions: Sessions; rateLimits?: Partial<RateLimits> }): void {
  const { app, clock, audit, appUrl } = ctx;

  app.use('*', async (c, next) => {
    await deps.sessions.loadSession(c);
    await next();
    // No answer leaves before what it may have read is on disk (store/group-commit.ts).
    await ctx.store.durable();
    // Set on the answer's own headers: c.header() after the route would copy the whole Response for
    // each header (three copies per answer, issue 16).
    const headers = c.res.headers;
    headers.set('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer, everywhere but the wait page: with no-referrer Chrome sends
    // "Origin: null" on our own form posts, which the origin check then (rightly) refuses.
    if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', 'same-origin');
    // no-store unless the route chose otherwise (only the public Smartcard CRL does).
    if (!c.req.path.startsWith('/crl/') || !headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
    if (headers.get('content-type')?.startsWith('text/html')) {
      headers.set('Content-Security-Policy', contentSecurityPolicy(new URL(appUrl).origin));
      headers.set('X-Frame-Options', 'DENY');
    }
  });

  app.onError(async (err, c) => {
    const code: ErrorCode = err instanceof AppError ? err.code : 'ERR_INTERNAL';
    await audit({ at: clock(), actor: 'system', action: `${c.req.method} ${c.req.routePath}`, outcome: 'error', code }).catch(() => {});
    if (c.req.header('accept')?.includes('text/html')) return c.html(errorPage(code), 500);
    return c.json(errorBody(code), 500);
  });

  const limiter = createRateLimiter({ clock, limits: deps.rateLimits });
  app.use('*', httpGuard({ origin: ctx.origin, limiter, refuse: ctx.refuse, hasSessionCookie: deps.sessions.hasSessionCookie }));
}
