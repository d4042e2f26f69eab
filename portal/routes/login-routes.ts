// The landing page with its login QR (portal-rules.md §3), the logged-in page, the session as the
// page script polls it, and logging out.
import { newLoginQr, type LoginQrDeps } from '../login-qr';
import { oidcReturnTo } from '../oidc/interaction-routes';
import { landingPage, loggedInPage, mobileLoggedInPage } from '../pages/pages';
import type { PortalContext, RouteContext } from '../route-context';
import type { Sessions } from '../sessions';
import type { SessionRecord } from '../store/store';

const NOTICES: Record<string, string> = {
  'kaart-verwijderd': 'U bent uitgelogd omdat uw pas uit de lezer is gehaald.',
  uitgelogd: 'U bent uitgelogd.',
  sessie: 'Uw sessie is beëindigd. Log opnieuw in.',
};

const loginQrDeps = (ctx: RouteContext): LoginQrDeps => ({ store: ctx.store, clock: ctx.clock, rng: ctx.rng, origin: ctx.origin });

export function registerLoginRoutes(ctx: RouteContext): void {
  ctx.app.get('/', (c) => landing(ctx, c));
  ctx.app.post('/api/login-qr', (c) => freshLoginQr(ctx, c));
}

/**
 * The pages and calls of a session once it exists (after a login, or its end). `onLogout`: the OpenID
 * Provider's logout of the relying parties of that login (oidc/oidc.ts).
 */
export function registerSessionRoutes(ctx: RouteContext, sessions: Pick<Sessions, 'dropCookie'>, onLogout?: (s: SessionRecord) => Promise<unknown>): void {
  ctx.app.get('/ingelogd', (c) => loggedIn(ctx, c));
  ctx.app.get('/api/session', (c) => sessionState(ctx, c));
  ctx.app.post('/uitloggen', (c) => logout(ctx, sessions, c, onLogout));
}

async function landing(ctx: RouteContext, c: PortalContext) {
  const session = await ctx.ensureSession(c);
  const qr = await newLoginQr(loginQrDeps(ctx), session);
  const notice = NOTICES[c.req.query('afgemeld') ?? ''] ?? null;
  return c.html(landingPage({ qrDataUrl: qr.dataUrl, confirmCode: qr.confirmCode, qrExpiresAt: qr.expiresAt, now: qr.now, notice, loggedIn: session.kind === 'login' }));
}

async function freshLoginQr(ctx: RouteContext, c: PortalContext) {
  if (ctx.foreignOrigin(c)) return ctx.refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
  const session = await ctx.ensureSession(c);
  const qr = await newLoginQr(loginQrDeps(ctx), session);
  return c.json({ dataUrl: qr.dataUrl, confirmCode: qr.confirmCode, expiresAt: qr.expiresAt, now: qr.now, payload: qr.payload });
}

async function loggedIn(ctx: RouteContext, c: PortalContext) {
  const { store } = ctx;
  const s = c.get('session');
  // A login an OpenID relying party asked for goes back to finish that interaction.
  const back = ctx.liveSession(s) && s.kind === 'login' ? oidcReturnTo(c) : null;
  if (back) return c.redirect(back, 303);
  if (ctx.liveSession(s) && s.kind === 'login' && s.mobileId) {
    const mobile = await store.getMobileId(s.mobileId);
    const memberships = mobile ? await store.listMemberships(mobile.personId) : [];
    const organisations = await Promise.all(
      memberships.map(async (m) => ({ ura: m.ura, role: m.role, name: (await store.getRegistration(m.ura))?.name ?? m.ura })),
    );
    return c.html(mobileLoggedInPage({ name: mobile?.name ?? '—', organisations }));
  }
  if (!ctx.liveSession(s) || s.kind !== 'login' || !s.holder) return c.redirect(`/?afgemeld=${s?.endReason === 'kaart-verwijderd' ? 'kaart-verwijderd' : 'sessie'}`, 303);
  return c.html(loggedInPage(s.holder));
}

function sessionState(ctx: RouteContext, c: PortalContext) {
  const s = c.get('session');
  if (ctx.liveSession(s) && s.kind === 'login') return c.json({ active: true, holder: s.holder });
  return c.json({ active: false, reason: s?.endReason ?? null });
}

async function logout(ctx: RouteContext, sessions: Pick<Sessions, 'dropCookie'>, c: PortalContext, onLogout?: (s: SessionRecord) => Promise<unknown>) {
  const { store, clock, audit } = ctx;
  if (ctx.foreignOrigin(c)) return ctx.refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
  const s = c.get('session');
  if (s) {
    await store.endSession(s.id, clock(), 'uitgelogd');
    if (s.kind === 'login') await onLogout?.(s);
    if (s.holder) await audit({ at: clock(), actor: `uzi:${s.holder.uziNumber}`, action: 'logout', outcome: 'ok' });
    else if (s.mobileId) await audit({ at: clock(), actor: `mobiel:${s.mobileId}`, action: 'logout', outcome: 'ok' });
  }
  sessions.dropCookie(c);
  return c.redirect('/?afgemeld=uitgelogd', 303);
}
