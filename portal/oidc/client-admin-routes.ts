// Registering relying parties (issue 18 item 3): the portal's administrators only (a live Mobiel ID
// login with the role Administrator in an organisation), a page under /beheer and the same as JSON
// under /api/beheer; state-changing calls pass http-guard.ts's origin check. No dynamic registration.
import { AppError } from '../errors';
import type { PortalContext, RouteContext } from '../route-context';
import { isApi, refused, sessionActor } from '../routes/admin-gate';
import { registerClient, type ClientDeps } from './clients';
import { CLIENTS_PATH, clientSecretPage, clientsPage } from './client-pages';
import type { Oidc } from './oidc';
import { OIDC_PREFIX } from './provider';

const API_PATH = `/api${CLIENTS_PATH}`;

export function registerOidcClientRoutes(ctx: RouteContext, oidc: Pick<Oidc, 'rotateKeys'>): void {
  for (const path of [CLIENTS_PATH, API_PATH]) {
    ctx.app.get(path, (c) => list(ctx, c));
    ctx.app.post(path, (c) => register(ctx, c));
    ctx.app.post(`${path}/sleutel`, (c) => rotate(ctx, oidc, c));
  }
}

/** Key rotation (keys.ts): audited with the administrator who asked for it. */
async function rotate(ctx: RouteContext, oidc: Pick<Oidc, 'rotateKeys'>, c: PortalContext) {
  const who = await administrator(ctx, c, 'oidc.key.rotate');
  if (who.refusal) return who.refusal;
  const kid = await oidc.rotateKeys();
  await ctx.audit({ at: ctx.clock(), actor: who.actor, action: 'oidc.key.rotate', outcome: 'ok', detail: { kid } });
  if (isApi(c)) return c.json({ outcome: 'ok', kid });
  return c.redirect(`${CLIENTS_PATH}?melding=sleutel`, 303);
}

/** The administrator, or the refusal (login required, or not an Administrator anywhere). */
async function administrator(ctx: RouteContext, c: PortalContext, action: string) {
  const actor = await sessionActor(ctx, c);
  if (!actor) return { refusal: isApi(c) ? refused(c, 'ERR_ADMIN_LOGIN_REQUIRED') : c.redirect('/?afgemeld=sessie', 303) };
  if (!actor.memberships.some((m) => m.role === 'Administrator')) {
    await ctx.audit({ at: ctx.clock(), actor: `person:${actor.personId}`, action, outcome: 'refused', code: 'ERR_ADMIN_FORBIDDEN' });
    return { refusal: refused(c, 'ERR_ADMIN_FORBIDDEN') };
  }
  return { actor: `person:${actor.personId}` };
}

const lines = (s: unknown) => (typeof s === 'string' ? s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : []);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The form's fields as registerClient's input. */
function fromForm(f: Record<string, unknown>): unknown {
  const method = f.authenticatie === 'private_key_jwt' ? 'private_key_jwt' : 'client_secret_basic';
  const backchannel = typeof f.backchannel_logout_uri === 'string' && f.backchannel_logout_uri.trim() ? f.backchannel_logout_uri : undefined;
  return {
    name: f.naam,
    redirectUris: lines(f.redirect_uris),
    postLogoutRedirectUris: lines(f.post_logout_redirect_uris),
    scopes: asList(f.scopes),
    auth: method === 'private_key_jwt' ? { method, jwksUri: f.jwks_uri } : { method },
    ...(backchannel ? { backchannelLogoutUri: backchannel } : {}),
    userinfoSigned: f.userinfo_jwt === 'ja',
  };
}

async function list(ctx: RouteContext, c: PortalContext) {
  const who = await administrator(ctx, c, 'oidc.client.list');
  if (who.refusal) return who.refusal;
  const clients = await ctx.store.oidc.listClients();
  if (isApi(c)) return c.json({ clients: clients.map((r) => ({ clientId: r.clientId, name: r.name, metadata: { ...r.metadata, client_secret: undefined } })) });
  const notice = c.req.query('melding') === 'sleutel' ? 'Er is een nieuwe ondertekeningssleutel in gebruik.' : null;
  return c.html(clientsPage({ clients, issuer: `${ctx.origin()}${OIDC_PREFIX}`, notice }));
}

async function register(ctx: RouteContext, c: PortalContext) {
  const who = await administrator(ctx, c, 'oidc.client.register');
  if (who.refusal) return who.refusal;
  const deps: ClientDeps = { store: ctx.store.oidc, clock: ctx.clock, rng: ctx.rng, audit: ctx.audit };
  let raw: unknown = null;
  let values: Record<string, string> = {};
  if (isApi(c)) raw = await c.req.json().catch(() => null);
  else {
    const form = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
    values = Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'));
    raw = fromForm(form);
  }
  try {
    const done = await registerClient(deps, who.actor, raw);
    if (isApi(c)) return c.json({ outcome: 'ok', clientId: done.clientId, clientSecret: done.clientSecret }, 201);
    return c.html(clientSecretPage({ client: done.record, secret: done.clientSecret }), 201);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'ERR_OIDC_CLIENT_INVALID') throw err;
    if (isApi(c)) return ctx.refuse(c, err.code);
    return c.html(clientsPage({ clients: await ctx.store.oidc.listClients(), issuer: `${ctx.origin()}${OIDC_PREFIX}`, code: err.code, values }), 400);
  }
}
