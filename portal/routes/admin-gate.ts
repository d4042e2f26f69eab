// The gate every administration route runs, in the same order — own origin (posts), a logged-in
// Mobiel ID, `authorize` for the organisation, the target user's membership, `authorize` with that
// target — and the way those routes read input, audit and refuse. One audit record per call that got
// past the login (who, what, when, organisation, outcome); refusals change nothing.
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import { allowedOrganisations, authorize, type Actor, type AdminAction, type AdminDeps, type UserView } from '../admin';
import type { OrgRef } from '../pages/admin-pages';
import type { FieldErrors } from '../pages/organisation-pages';
import { errorPage } from '../pages/pages';
import type { PortalContext, RouteContext } from '../route-context';
import type { MembershipRecord, PortalRole } from '../store/store';
import { ZORG_ID_ID_PATTERN } from '../zorg-id';
import { formBody } from './request-input';

const statusOf = (code: ErrorCode): 400 | 401 | 403 | 404 | 409 =>
  code === 'ERR_ADMIN_LOGIN_REQUIRED'
    ? 401
    : code === 'ERR_ADMIN_FORBIDDEN' || code === 'ERR_ADMIN_OTHER_ORGANISATION' || code === 'ERR_PORTAL_FORBIDDEN_ORIGIN'
      ? 403
      : code === 'ERR_ADMIN_USER_NOT_FOUND' || code === 'ERR_ADMIN_ORG_UNKNOWN'
        ? 404
        : code === 'ERR_ADMIN_INVALID_INPUT' || code === 'ERR_PORTAL_BAD_REQUEST' || code === 'ERR_ADMIN_MEMBER_MISMATCH' || code === 'ERR_ADMIN_CONFIRMATION_REQUIRED'
          ? 400
          : 409;

const NOTICES: Record<string, string> = {
  geblokkeerd: 'De gebruiker is geblokkeerd, bij alle organisaties.',
  geactiveerd: 'De gebruiker is geactiveerd.',
  ingetrokken: 'Het certificaat is ingetrokken. De ZORG-ID Mobiel ID is niet meer bruikbaar.',
  attribuut: 'Het attribuut is opgeslagen.',
  toegevoegd: 'De gebruiker is toegevoegd aan de organisatie.',
  'qr-desktop': 'ZORG-ID Desktop heeft de QR-code getoond.',
  'smartcard-geblokkeerd': 'De ZORG-ID Smartcard is geblokkeerd. Er kan niet meer mee worden ingelogd.',
  'smartcard-gedeblokkeerd': 'De ZORG-ID Smartcard is gedeblokkeerd en weer bruikbaar.',
  'smartcard-verwijderd': 'De ZORG-ID Smartcard is verwijderd. Het certificaat is ingetrokken en staat op de CRL van de ZORG-ID Smartcard CA.',
};

/** The notice a page shows after a change (?melding=…), null when there is none. */
export const noticeOf = (c: PortalContext): string | null => NOTICES[c.req.query('melding') ?? ''] ?? null;

/**
 * Who is acting: a live Mobiel ID login whose Mobiel ID is still active (one blocked or revoked after
 * login loses the administration at its next request); null otherwise. Used by every beheer route.
 */
export async function sessionActor(ctx: Pick<RouteContext, 'store' | 'liveSession'>, c: PortalContext): Promise<Actor | null> {
  const { store } = ctx;
  const s = c.get('session');
  if (!ctx.liveSession(s) || s.kind !== 'login' || !s.mobileId) return null;
  const mobile = await store.getMobileId(s.mobileId);
  if (!mobile || mobile.status !== 'active') return null;
  const person = await store.getPerson(mobile.personId);
  if (!person) return null;
  return { personId: person.id, mobileId: mobile.id, name: person.name, memberships: await store.listMemberships(person.id) };
}

export const adminDeps = (ctx: RouteContext): AdminDeps => ({ store: ctx.store, clock: ctx.clock, rng: ctx.rng, origin: ctx.origin });

export const isApi = (c: PortalContext) => c.req.path.startsWith('/api/');

/** Every page route and its JSON twin. */
export const both = (path: string) => [`/beheer${path}`, `/api/beheer${path}`] as const;

export async function orgRef(ctx: RouteContext, ura: string): Promise<OrgRef> {
  const r = await ctx.store.getRegistration(ura);
  return { ura, name: r?.name ?? ura };
}

export async function organisationsFor(ctx: RouteContext, actor: Actor, action: AdminAction) {
  return Promise.all(allowedOrganisations(actor, action).map((ura) => orgRef(ctx, ura)));
}

export async function record(
  ctx: RouteContext,
  c: PortalContext,
  actor: Actor | null,
  action: AdminAction,
  outcome: 'ok' | 'refused',
  detail: Record<string, unknown>,
  code: ErrorCode | null = null,
) {
  await ctx.audit({ at: ctx.clock(), actor: actor ? `zorgid:${actor.personId}` : ctx.browserActor(c), action: `admin.${action}`, outcome, code, detail });
}

/** JSON: the refusal as data; HTML: the error page (forms render their own errors before this). */
export function refused(c: PortalContext, code: ErrorCode, fields?: FieldErrors): Response {
  const status = statusOf(code);
  if (isApi(c)) return c.json({ outcome: 'refused', code, message: ERROR_MESSAGES[code].nl, ...(fields ? { fields } : {}) }, status);
  return c.html(errorPage(code), status);
}

/** JSON body for the API (only application/json: no cross-site form can send it), form fields for pages. */
export async function input(c: PortalContext): Promise<Record<string, unknown> | null> {
  if (isApi(c)) {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return null;
    const body: unknown = await c.req.json().catch(() => null);
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  }
  return formBody(await c.req.parseBody().catch(() => ({})));
}

export const strings = (body: Record<string, unknown> | null): Record<string, string> =>
  Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : '']));

export interface Gate {
  actor: Actor;
  ura: string;
  org: OrgRef;
  role: PortalRole;
}
export interface UserGate extends Gate {
  target: MembershipRecord;
  /** The target's other organisations: an action reaching them is audited as cross-organisation. */
  elsewhere: string[];
}

/** The gate of every route of one organisation: origin, login, role. */
export async function gate(ctx: RouteContext, c: PortalContext, action: AdminAction, ura: string): Promise<Gate | Response> {
  if (c.req.method !== 'GET' && ctx.foreignOrigin(c)) return refused(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
  const actor = await sessionActor(ctx, c);
  const denied = authorize(actor, action, ura);
  if (denied) {
    if (actor) await record(ctx, c, actor, action, 'refused', { ura }, denied);
    if (denied === 'ERR_ADMIN_LOGIN_REQUIRED' && !isApi(c)) return c.redirect('/?afgemeld=sessie', 303);
    return refused(c, denied);
  }
  const role = actor!.memberships.find((m) => m.ura === ura)!.role;
  return { actor: actor!, ura, org: await orgRef(ctx, ura), role };
}

/** The gate of the routes on one user: the organisation's gate, then the target's membership and role. */
export async function userGate(ctx: RouteContext, c: PortalContext, action: AdminAction): Promise<UserGate | Response> {
  const ura = c.req.param('ura') ?? '';
  const personId = c.req.param('pid') ?? '';
  const g = await gate(ctx, c, action, ura);
  if (g instanceof Response) return g;
  const target = ZORG_ID_ID_PATTERN.test(personId) ? await ctx.store.getMembership(personId, ura) : null;
  if (!target) {
    await record(ctx, c, g.actor, action, 'refused', { ura, target: personId.slice(0, 20) }, 'ERR_ADMIN_USER_NOT_FOUND');
    return refused(c, 'ERR_ADMIN_USER_NOT_FOUND');
  }
  const targetMemberships = await ctx.store.listMemberships(personId);
  const elsewhere = targetMemberships.filter((m) => m.ura !== ura).map((m) => m.ura);
  const denied = authorize(g.actor, action, ura, target, targetMemberships);
  if (denied) {
    await record(ctx, c, g.actor, action, 'refused', { ura, target: personId, targetRole: target.role, ...(elsewhere.length ? { otherOrganisations: elsewhere } : {}) }, denied);
    return refused(c, denied);
  }
  return { ...g, target, elsewhere };
}

/** The gate of the forms where the organisation is a field: origin, login, and some organisation at all. */
export async function formGate(ctx: RouteContext, c: PortalContext, action: AdminAction): Promise<Actor | Response> {
  if (c.req.method !== 'GET' && ctx.foreignOrigin(c)) return refused(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
  const actor = await sessionActor(ctx, c);
  if (!actor) return isApi(c) ? refused(c, 'ERR_ADMIN_LOGIN_REQUIRED') : c.redirect('/?afgemeld=sessie', 303);
  // Deny by default before reading any input: no organisation where the actor may do this at all.
  if (allowedOrganisations(actor, action).length === 0) {
    await record(ctx, c, actor, action, 'refused', {}, 'ERR_ADMIN_FORBIDDEN');
    return refused(c, 'ERR_ADMIN_FORBIDDEN');
  }
  return actor;
}

/** A user as the JSON API shows it. */
export function userWire(v: UserView) {
  return {
    zorgIdId: v.person.id,
    givenName: v.person.givenName,
    surname: v.person.surname,
    name: v.person.name,
    birthDate: v.person.birthDate,
    uziNumber: v.person.uziNumber,
    role: v.membership.role,
    status: v.status,
    blockReason: v.blockReason,
    inactive: v.inactive,
    lastUsedAt: v.person.lastUsedAt === null ? null : new Date(v.person.lastUsedAt).toISOString(),
    certificates: v.mobileIds.map((m) => ({ status: m.status, createdAt: new Date(m.createdAt).toISOString(), revokedAt: m.revokedAt ? new Date(m.revokedAt).toISOString() : null })),
    attributes: v.attributes.map((a) => ({ type: a.type, taakcode: a.taakcode })),
    openCode: v.openCode ? { expiresAt: new Date(v.openCode.expiresAt).toISOString() } : null,
  };
}
