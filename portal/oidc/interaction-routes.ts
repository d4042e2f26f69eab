// The interaction step of the OpenID Provider is the portal's own login (issue 18 item 1): with a live
// portal login the interaction finishes at once, the account being that login's person; without one
// the browser goes to the landing page (UZI-pas handoff or Mobiel QR) and comes back here after it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { PortalContext, RouteContext } from '../route-context';
import type { SessionRecord } from '../store/store';
import { ACR_MOBIEL, ACR_SMARTCARD, holderClaims, LOA_SUBSTANTIAL } from './claims';
import type { Oidc } from './oidc';
import { INTERACTION_PATH } from './provider';

const RETURN_COOKIE = 'zorgid_oidc_terug';
const UID = /^[A-Za-z0-9_-]{10,64}$/;

/** Where a login that an OpenID interaction started goes on to (null: the portal's own page). */
export function oidcReturnTo(c: PortalContext): string | null {
  const uid = getCookie(c, RETURN_COOKIE);
  if (!uid || !UID.test(uid)) return null;
  deleteCookie(c, RETURN_COOKIE, { path: '/' });
  return `${INTERACTION_PATH}/${uid}`;
}

export function registerOidcInteractionRoutes(ctx: RouteContext, oidc: Oidc): void {
  ctx.app.get(`${INTERACTION_PATH}/:uid`, (c) => interaction(ctx, oidc, c));
}

/**
 * What the grants of a portal login hang on: its card session (ended by a card pull, handoff-protocol.md
 * §6) or, for a Mobiel ID login, the portal session itself.
 */
export const loginKeyOf = (s: SessionRecord): string => s.cardSessionId ?? `portal:${s.id}`;

/** The provider's account of a portal login: `uzi:<UZI-nummer>` for a card, `person:<id>` for Mobiel. */
export async function accountIdOf(ctx: Pick<RouteContext, 'store'>, s: SessionRecord): Promise<string | null> {
  if (s.holder) return `uzi:${s.holder.uziNumber}`;
  const mobile = s.mobileId ? await ctx.store.getMobileId(s.mobileId) : null;
  return mobile ? `person:${mobile.personId}` : null;
}

interface LoginAccount {
  accountId: string;
  claims: Record<string, unknown>;
  acr: string;
  amr: string[];
}

async function accountOf(ctx: RouteContext, s: SessionRecord): Promise<LoginAccount | null> {
  if (s.holder) {
    const registration = await ctx.store.getRegistration(s.holder.ura);
    // A ZORG-ID Smartcard carries a UZI-shaped certificate of our Smartcard CA (seed 003): the store
    // knows its certificate.
    const cert = s.cardSessionId ? await ctx.store.oidc.certOfCardSession(s.cardSessionId) : null;
    const smartcard = cert ? (await ctx.store.findSmartcardByCert(cert))?.status === 'active' : false;
    // RFC 8176: sc (smart card) and pin (the card's PIN).
    return { accountId: `uzi:${s.holder.uziNumber}`, claims: holderClaims(s.holder, registration?.name ?? null, smartcard), acr: ACR_SMARTCARD, amr: ['sc', 'pin'] };
  }
  if (s.mobileId) {
    const mobile = await ctx.store.getMobileId(s.mobileId);
    if (!mobile) return null;
    // One organisation: that is the abonnee; with several the login does not say for which one it is.
    const memberships = await ctx.store.listMemberships(mobile.personId);
    const only = memberships.length === 1 ? memberships[0]! : null;
    const organisation = only ? { abonnee_nummer: only.ura, abonnee_naam: (await ctx.store.getRegistration(only.ura))?.name ?? null } : {};
    // RFC 8176: swk (a software-secured key on the phone), user (the app's presence check).
    const claims = { name: mobile.name, pas_type: 'Mobiel', loa_authn: LOA_SUBSTANTIAL, ...organisation };
    return { accountId: `person:${mobile.personId}`, claims, acr: ACR_MOBIEL, amr: ['swk', 'user'] };
  }
  return null;
}

async function interaction(ctx: RouteContext, oidc: Oidc, c: PortalContext) {
  const { clock, audit } = ctx;
  const { incoming: req, outgoing: res } = c.env as { incoming: IncomingMessage; outgoing: ServerResponse };
  const provider = await oidc.provider();
  const details = await provider.interactionDetails(req, res).catch(() => null);
  const s = c.get('session');
  if (!details || details.uid !== c.req.param('uid')) {
    // An abandoned relying-party login whose return cookie outlived it: a logged-in person just goes on.
    if (ctx.liveSession(s) && s.kind === 'login') return c.redirect('/ingelogd', 303);
    return ctx.refuse(c, 'ERR_OIDC_INTERACTION_UNKNOWN', true);
  }
  const forced = details.prompt.reasons.includes('login_prompt') || details.prompt.reasons.includes('max_age');
  const account = ctx.liveSession(s) && s.kind === 'login' && (!forced || s.createdAt >= details.iat * 1000) ? await accountOf(ctx, s) : null;
  if (!s || !account) {
    setCookie(c, RETURN_COOKIE, details.uid, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 600, secure: ctx.origin().startsWith('https:') });
    return c.redirect('/', 303);
  }
  // Another person than the provider session's: oidc-provider first has the browser post a logout of
  // that session (back-channel logout of its clients), then resumes with this login (provider.ts).
  const clientId = String(details.params.client_id);
  await ctx.store.oidc.putAccount({ accountId: account.accountId, claims: account.claims, updatedAt: clock() });
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing?.accountId === account.accountId ? existing : new provider.Grant({ accountId: account.accountId, clientId });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  const grantId = await grant.save();
  await ctx.store.oidc.bindGrantToCard(grantId, loginKeyOf(s), clock());
  await audit({ at: clock(), actor: account.accountId, action: 'oidc.login', outcome: 'ok', detail: { client: clientId, acr: account.acr } });
  const returnTo = await provider.interactionResult(
    req,
    res,
    { login: { accountId: account.accountId, acr: account.acr, amr: account.amr, ts: Math.floor(s.createdAt / 1000), remember: false }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  return c.redirect(returnTo, 303);
}
