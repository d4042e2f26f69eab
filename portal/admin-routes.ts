// Administration routes: Dutch pages under /beheer and the same operations as JSON under /api/beheer.
// Every route runs the same gate in the same order — own origin (posts), a logged-in Mobiel ID,
// `authorize` for the organisation, the target user's membership, `authorize` with that target — and
// only then parses input and calls the operation from admin.ts. One audit record per call that got
// past the login (who, what, when, organisation, outcome); refusals change nothing.
import QRCode from 'qrcode';
import type { z } from 'zod';
import type { ErrorCode } from '../src/shared/errors';
import { ERROR_MESSAGES } from '../src/shared/error-messages';
import {
  addAttribute,
  addExistingUser,
  allowedOrganisations,
  assignRole,
  authorize,
  REACHES_OTHER_ORGANISATIONS,
  blockUser,
  listUsers,
  lostPinStep,
  newCertificate,
  registerUser,
  removeMembership,
  revokeCertificate,
  unblockUser,
  userView,
  type Actor,
  type AdminAction,
  type AdminDeps,
  type IssuedCode,
  type Refusal,
} from './admin';
import { addExistingSchema, attributeSchema, blockSchema, confirmSchema, newCertificateSchema, registerUserSchema, roleSchema } from './admin-input';
import { fieldErrors } from './organisation';
import {
  addExistingPage,
  adminHomePage,
  confirmPage,
  desktopSentPage,
  lostPinPage,
  qrOncePage,
  registerUserPage,
  userPage,
  userUrl,
  usersPage,
  type OrgRef,
} from './pages/admin-pages';
import type { FieldErrors } from './pages/organisation-pages';
import { errorPage } from './pages/pages';
import type { PortalContext, RouteContext } from './route-context';
import { BLOCK_REASONS, type MembershipRecord, type PersonRecord, type PortalRole } from './store/store';
import { ZORG_ID_ID_PATTERN } from './zorg-id';

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

export function registerAdminRoutes(ctx: RouteContext): void {
  const { app, store, clock, audit } = ctx;
  const deps: AdminDeps = { store, clock, rng: ctx.rng, origin: ctx.origin };

  const isApi = (c: PortalContext) => c.req.path.startsWith('/api/');

  const actorOf = (c: PortalContext) => sessionActor(ctx, c);

  async function orgRef(ura: string): Promise<OrgRef> {
    const r = await store.getRegistration(ura);
    return { ura, name: r?.name ?? ura };
  }

  async function record(c: PortalContext, actor: Actor | null, action: AdminAction, outcome: 'ok' | 'refused', detail: Record<string, unknown>, code: ErrorCode | null = null) {
    await audit({ at: clock(), actor: actor ? `zorgid:${actor.personId}` : ctx.browserActor(c), action: `admin.${action}`, outcome, code, detail });
  }

  /** JSON: the refusal as data; HTML: the error page (forms render their own errors before this). */
  function refused(c: PortalContext, code: ErrorCode, fields?: FieldErrors): Response {
    const status = statusOf(code);
    if (isApi(c)) return c.json({ outcome: 'refused', code, message: ERROR_MESSAGES[code].nl, ...(fields ? { fields } : {}) }, status);
    return c.html(errorPage(code), status);
  }

  /** JSON body for the API (only application/json: no cross-site form can send it), form fields for pages. */
  async function input(c: PortalContext): Promise<Record<string, unknown> | null> {
    if (isApi(c)) {
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return null;
      const body: unknown = await c.req.json().catch(() => null);
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    }
    const raw = await c.req.parseBody().catch(() => ({}));
    return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  const strings = (body: Record<string, unknown> | null): Record<string, string> =>
    Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : '']));

  interface Gate {
    actor: Actor;
    ura: string;
    org: OrgRef;
    role: PortalRole;
  }
  interface UserGate extends Gate {
    target: MembershipRecord;
    /** The target's other organisations: an action reaching them is audited as cross-organisation. */
    elsewhere: string[];
  }

  /** The gate of every route of one organisation: origin, login, role. */
  async function gate(c: PortalContext, action: AdminAction, ura: string): Promise<Gate | Response> {
    if (c.req.method !== 'GET' && ctx.foreignOrigin(c)) return refused(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
    const actor = await actorOf(c);
    const denied = authorize(actor, action, ura);
    if (denied) {
      if (actor) await record(c, actor, action, 'refused', { ura }, denied);
      if (denied === 'ERR_ADMIN_LOGIN_REQUIRED' && !isApi(c)) return c.redirect('/?afgemeld=sessie', 303);
      return refused(c, denied);
    }
    const role = actor!.memberships.find((m) => m.ura === ura)!.role;
    return { actor: actor!, ura, org: await orgRef(ura), role };
  }

  async function userGate(c: PortalContext, action: AdminAction): Promise<UserGate | Response> {
    const ura = c.req.param('ura') ?? '';
    const personId = c.req.param('pid') ?? '';
    const g = await gate(c, action, ura);
    if (g instanceof Response) return g;
    const target = ZORG_ID_ID_PATTERN.test(personId) ? await store.getMembership(personId, ura) : null;
    if (!target) {
      await record(c, g.actor, action, 'refused', { ura, target: personId.slice(0, 20) }, 'ERR_ADMIN_USER_NOT_FOUND');
      return refused(c, 'ERR_ADMIN_USER_NOT_FOUND');
    }
    const targetMemberships = await store.listMemberships(personId);
    const elsewhere = targetMemberships.filter((m) => m.ura !== ura).map((m) => m.ura);
    const denied = authorize(g.actor, action, ura, target, targetMemberships);
    if (denied) {
      await record(c, g.actor, action, 'refused', { ura, target: personId, targetRole: target.role, ...(elsewhere.length ? { otherOrganisations: elsewhere } : {}) }, denied);
      return refused(c, denied);
    }
    return { ...g, target, elsewhere };
  }

  const qrDataUrl = (payload: string) => QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 });

  /** Shows the new QR once: in this page/answer, or — bezorging=desktop — only in ZORG-ID Desktop via an enrol-user handoff. */
  async function deliver(c: PortalContext, g: Gate, person: PersonRecord, role: PortalRole, code: IssuedCode, delivery: 'browser' | 'desktop', heading: string, status: 200 | 201) {
    const user = { zorgIdId: person.id, name: person.name, role, organisation: g.org };
    if (delivery === 'desktop') {
      // A QR nobody fetched in time is of no use to anyone: it does not stay in the database.
      await store.sweepEnrolmentHandoffs(clock());
      const handoff = await ctx.createHandoff(c, 'enrol-user', g.ura);
      await store.createEnrolmentHandoff({ handoffId: handoff.id, personId: person.id, ura: g.ura, payload: code.payload, codeExpiresAt: code.expiresAt, deliveredAt: null });
      const query = `portal=${encodeURIComponent(ctx.origin())}&request=${encodeURIComponent(handoff.id)}`;
      if (!isApi(c)) return c.redirect(`/handoff/${handoff.id}/start`, 303);
      return c.json(
        {
          outcome: 'ok',
          user,
          enrolment: { delivery: 'desktop', expiresAt: new Date(code.expiresAt).toISOString() },
          handoff: {
            id: handoff.id,
            purpose: 'enrol-user',
            expiresAt: new Date(handoff.expiresAt).toISOString(),
            appUrl: `${ctx.appUrl}/handoff?${query}`,
            deepLink: `zorgid://handoff?${query}`,
            startUrl: `/handoff/${handoff.id}/start`,
          },
        },
        status,
      );
    }
    const dataUrl = await qrDataUrl(code.payload);
    if (!isApi(c)) {
      return c.html(qrOncePage({ heading, org: g.org, name: person.name, zorgIdId: person.id, qrDataUrl: dataUrl, expiresAt: code.expiresAt, back: userUrl(g.ura, person.id) }), status);
    }
    return c.json(
      { outcome: 'ok', user, enrolment: { delivery: 'browser', payload: code.payload, qrDataUrl: dataUrl, expiresAt: new Date(code.expiresAt).toISOString() }, handoff: null },
      status,
    );
  }

  const both = (path: string) => [`/beheer${path}`, `/api/beheer${path}`] as const;

  // ---- overview ----------------------------------------------------------------------------------

  for (const path of both('')) {
    app.get(path, async (c) => {
      const actor = await actorOf(c);
      if (!actor) return isApi(c) ? refused(c, 'ERR_ADMIN_LOGIN_REQUIRED') : c.redirect('/?afgemeld=sessie', 303);
      const organisations = await Promise.all(actor.memberships.map(async (m) => ({ ...(await orgRef(m.ura)), role: m.role })));
      if (isApi(c)) return c.json({ zorgIdId: actor.personId, name: actor.name, organisations });
      return c.html(adminHomePage({ name: actor.name, organisations }));
    });
  }

  for (const path of both('/organisaties/:ura/gebruikers')) {
    app.get(path, async (c) => {
      const inactive = c.req.query('inactief') === 'ja';
      const g = await gate(c, inactive ? 'users.inactive' : 'users.list', c.req.param('ura') ?? '');
      if (g instanceof Response) return g;
      const users = await listUsers(deps, g.ura, inactive);
      if (isApi(c)) return c.json({ organisation: g.org, inactiveOnly: inactive, users: users.map(toWire) });
      // The organisation's Smartcard accounts, also those of employees without a ZORG-ID person (seed 003).
      const smartcards = inactive ? [] : await store.listSmartcards(g.ura);
      const notice = NOTICES[c.req.query('melding') ?? ''] ?? null;
      return c.html(usersPage({ org: g.org, role: g.role, users, inactiveOnly: inactive, smartcards, notice }));
    });
  }

  function toWire(v: Awaited<ReturnType<typeof userView>>) {
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

  // ---- register a user (§4) and add an existing one (§8.1): the organisation is a form field -------

  async function organisationsFor(actor: Actor, action: AdminAction) {
    return Promise.all(allowedOrganisations(actor, action).map(orgRef));
  }

  async function formGate(c: PortalContext, action: AdminAction): Promise<Actor | Response> {
    if (c.req.method !== 'GET' && ctx.foreignOrigin(c)) return refused(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
    const actor = await actorOf(c);
    if (!actor) return isApi(c) ? refused(c, 'ERR_ADMIN_LOGIN_REQUIRED') : c.redirect('/?afgemeld=sessie', 303);
    // Deny by default before reading any input: no organisation where the actor may do this at all.
    if (allowedOrganisations(actor, action).length === 0) {
      await record(c, actor, action, 'refused', {}, 'ERR_ADMIN_FORBIDDEN');
      return refused(c, 'ERR_ADMIN_FORBIDDEN');
    }
    return actor;
  }

  app.get('/beheer/gebruikers/nieuw', async (c) => {
    const actor = await formGate(c, 'user.register');
    if (actor instanceof Response) return actor;
    return c.html(registerUserPage({ organisations: await organisationsFor(actor, 'user.register'), values: { organisatie: c.req.query('organisatie') ?? '' }, errors: {} }));
  });

  app.get('/beheer/gebruikers/bestaand', async (c) => {
    const actor = await formGate(c, 'user.add-existing');
    if (actor instanceof Response) return actor;
    return c.html(addExistingPage({ organisations: await organisationsFor(actor, 'user.add-existing'), values: { organisatie: c.req.query('organisatie') ?? '' }, errors: {} }));
  });

  /** Parses with `schema`; on failure the form again with Dutch errors beside the fields (400), nothing changed. */
  async function parseOr<T>(
    c: PortalContext,
    schema: z.ZodType<T>,
    body: Record<string, unknown> | null,
    actor: Actor,
    action: AdminAction,
    ura: string | null,
    page: (errors: FieldErrors) => Promise<string>,
  ): Promise<T | Response> {
    if (body === null) {
      await record(c, actor, action, 'refused', { ura }, 'ERR_PORTAL_BAD_REQUEST');
      return refused(c, 'ERR_PORTAL_BAD_REQUEST');
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const fields = fieldErrors(parsed.error);
    // Personal data stays out of the audit: only which fields were wrong.
    await record(c, actor, action, 'refused', { ura, fields: Object.keys(fields) }, 'ERR_ADMIN_INVALID_INPUT');
    if (isApi(c)) return refused(c, 'ERR_ADMIN_INVALID_INPUT', fields);
    return c.html(await page(fields), 400);
  }

  for (const path of both('/gebruikers')) {
    app.post(path, async (c) => {
      const actor = await formGate(c, 'user.register');
      if (actor instanceof Response) return actor;
      const body = await input(c);
      const orgs = () => organisationsFor(actor, 'user.register');
      const data = await parseOr(c, registerUserSchema(clock()), body, actor, 'user.register', null, async (errors) =>
        registerUserPage({ organisations: await orgs(), values: strings(body), errors }),
      );
      if (data instanceof Response) return data;
      const g = await gate(c, 'user.register', data.organisatie);
      if (g instanceof Response) return g;
      const done = await registerUser(deps, { ura: g.ura, givenName: data.voornaam, surname: data.achternaam, birthDate: data.geboortedatum });
      await record(c, actor, 'user.register', 'ok', { ura: g.ura, target: done.person.id, role: 'Gebruiker', delivery: data.bezorging, codeExpiresAt: done.code.expiresAt });
      return deliver(c, g, done.person, 'Gebruiker', done.code, data.bezorging, 'Gebruiker geregistreerd', 201);
    });
  }

  for (const path of both('/gebruikers/bestaand')) {
    app.post(path, async (c) => {
      const actor = await formGate(c, 'user.add-existing');
      if (actor instanceof Response) return actor;
      const body = await input(c);
      const values = strings(body);
      const orgs = () => organisationsFor(actor, 'user.add-existing');
      const data = await parseOr(c, addExistingSchema(clock()), body, actor, 'user.add-existing', null, async (errors) =>
        addExistingPage({ organisations: await orgs(), values, errors }),
      );
      if (data instanceof Response) return data;
      const g = await gate(c, 'user.add-existing', data.organisatie);
      if (g instanceof Response) return g;
      const done = await addExistingUser(deps, { ura: g.ura, zorgIdId: data.zorgIdId, birthDate: data.geboortedatum });
      if (!done.ok) {
        await record(c, actor, 'user.add-existing', 'refused', { ura: g.ura }, done.code);
        if (isApi(c)) return refused(c, done.code, done.fields);
        return c.html(addExistingPage({ organisations: await orgs(), values, errors: done.fields ?? {}, code: done.code }), done.status);
      }
      await record(c, actor, 'user.add-existing', 'ok', { ura: g.ura, target: done.person.id, role: done.membership.role });
      if (isApi(c)) return c.json({ outcome: 'ok', user: toWire(await userView(deps, done.membership)) }, 201);
      return c.redirect(`${userUrl(g.ura, done.person.id)}?melding=toegevoegd`, 303);
    });
  }

  // ---- one user ------------------------------------------------------------------------------------

  const USER = '/organisaties/:ura/gebruikers/:pid';

  async function renderUser(c: PortalContext, g: UserGate, extra: { errors?: FieldErrors; values?: Record<string, string>; code?: ErrorCode | null; status?: 200 | 400 | 409 } = {}) {
    const view = await userView(deps, g.target);
    const notice = NOTICES[c.req.query('melding') ?? ''] ?? null;
    const uzi = view.person.uziNumber;
    const smartcards = (await store.listSmartcards(g.ura)).filter((s) => s.personId === view.person.id || (uzi !== null && s.uziNumber === uzi));
    return c.html(
      userPage({ org: g.org, actorRole: g.role, view, smartcards, notice, errors: extra.errors ?? {}, values: extra.values ?? {}, code: extra.code ?? null }),
      extra.status ?? 200,
    );
  }

  for (const path of both(USER)) {
    app.get(path, async (c) => {
      const g = await userGate(c, 'user.view');
      if (g instanceof Response) return g;
      if (isApi(c)) return c.json({ organisation: g.org, user: toWire(await userView(deps, g.target)) });
      return renderUser(c, g);
    });
  }

  app.get(`/beheer${USER}/pincode-kwijt`, async (c) => {
    const g = await userGate(c, 'user.lost-pin');
    if (g instanceof Response) return g;
    const view = await userView(deps, g.target);
    return c.html(lostPinPage({ org: g.org, view, step: lostPinStep(view), errors: {} }));
  });

  // Confirmation pages (Activeren, Intrekken, Verwijderen): GET shows the question, POST needs bevestigd=ja.
  const CONFIRM: Record<string, { action: AdminAction; title: string; text: (name: string, org: string) => string; button: string }> = {
    activeren: { action: 'user.unblock', title: 'Gebruiker activeren', text: (n) => `Wilt u ${n} weer activeren? De ZORG-ID Mobiel ID is daarna weer bruikbaar, bij alle organisaties.`, button: 'Activeren' },
    intrekken: {
      action: 'user.revoke',
      title: 'Certificaat intrekken',
      text: (n) => `Wilt u het certificaat van ${n} intrekken? Dit is definitief en kan niet ongedaan worden gemaakt; de ZORG-ID Mobiel ID wordt onbruikbaar.`,
      button: 'Intrekken',
    },
    verwijderen: {
      action: 'user.remove',
      title: 'Verwijder organisatie lidmaatschap',
      text: (n, o) => `Wilt u ${n} verwijderen uit ${o}? De lokale attributen van ${o} worden verwijderd; de landelijke gegevens blijven.`,
      button: 'Verwijder',
    },
  };
  for (const [suffix, conf] of Object.entries(CONFIRM)) {
    app.get(`/beheer${USER}/${suffix}`, async (c) => {
      const g = await userGate(c, conf.action);
      if (g instanceof Response) return g;
      const person = (await store.getPerson(g.target.personId))!;
      const base = userUrl(g.ura, person.id);
      return c.html(confirmPage({ title: conf.title, text: conf.text(person.name, g.org.name), action: `${base}/${suffix}`, button: conf.button, cancel: base }));
    });
  }

  /** A POST on one user: gate, parse, run, audit, answer (JSON, or back to the user / lost-PIN page). */
  function userAction<T>(
    suffix: string,
    action: AdminAction,
    schema: z.ZodType<T>,
    run: (g: UserGate, data: T, c: PortalContext) => Promise<{ ok: true; detail?: Record<string, unknown>; respond?: () => Promise<Response>; notice?: string; json?: Record<string, unknown> } | Refusal>,
  ) {
    for (const path of both(`${USER}/${suffix}`)) {
      app.post(path, async (c) => {
        const g = await userGate(c, action);
        if (g instanceof Response) return g;
        const body = await input(c);
        const values = strings(body);
        const back = values.terug === 'pincode-kwijt' ? 'pincode-kwijt' : null;
        const rerender = async (errors: FieldErrors, code: ErrorCode | null, status: 200 | 400 | 409) => {
          if (back) {
            const view = await userView(deps, g.target);
            return c.html(lostPinPage({ org: g.org, view, step: lostPinStep(view), errors, code }), status);
          }
          if (code === 'ERR_ADMIN_CONFIRMATION_REQUIRED' && CONFIRM[suffix]) {
            const person = (await store.getPerson(g.target.personId))!;
            const conf = CONFIRM[suffix]!;
            const base = userUrl(g.ura, person.id);
            return c.html(
              confirmPage({ title: conf.title, text: conf.text(person.name, g.org.name), action: `${base}/${suffix}`, button: conf.button, cancel: base, error: ERROR_MESSAGES[code].nl }),
              status,
            );
          }
          return renderUser(c, g, { errors, values, code, status });
        };
        if (body === null) {
          await record(c, g.actor, action, 'refused', { ura: g.ura, target: g.target.personId }, 'ERR_PORTAL_BAD_REQUEST');
          return refused(c, 'ERR_PORTAL_BAD_REQUEST');
        }
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          const fields = fieldErrors(parsed.error);
          const code: ErrorCode = 'bevestigd' in fields ? 'ERR_ADMIN_CONFIRMATION_REQUIRED' : 'ERR_ADMIN_INVALID_INPUT';
          await record(c, g.actor, action, 'refused', { ura: g.ura, target: g.target.personId, fields: Object.keys(fields) }, code);
          if (isApi(c)) return refused(c, code, fields);
          return rerender(fields, code === 'ERR_ADMIN_CONFIRMATION_REQUIRED' ? code : null, 400);
        }
        const result = await run(g, parsed.data, c);
        if (!result.ok) {
          await record(c, g.actor, action, 'refused', { ura: g.ura, target: g.target.personId }, result.code);
          if (isApi(c)) return refused(c, result.code, result.fields);
          return rerender(result.fields ?? {}, result.code, result.status === 409 ? 409 : 400);
        }
        const crossOrganisation = REACHES_OTHER_ORGANISATIONS.has(action) && g.elsewhere.length ? { otherOrganisations: g.elsewhere } : {};
        await record(c, g.actor, action, 'ok', { ura: g.ura, target: g.target.personId, ...(result.detail ?? {}), ...crossOrganisation });
        if (result.respond) return result.respond();
        if (isApi(c)) return c.json({ outcome: 'ok', ...(result.json ?? {}), user: toWire(await userView(deps, (await store.getMembership(g.target.personId, g.ura)) ?? g.target)) });
        const base = userUrl(g.ura, g.target.personId);
        return c.redirect(back ? `${base}/pincode-kwijt` : `${base}${result.notice ? `?melding=${result.notice}` : ''}`, 303);
      });
    }
  }

  userAction('blokkeren', 'user.block', blockSchema, async (g, data) => {
    const r = await blockUser(deps, g.target.personId, data.reden);
    return r.ok ? { ok: true, detail: { reason: data.reden, reasonText: BLOCK_REASONS[data.reden], mobileIds: r.blocked, national: true }, notice: 'geblokkeerd' } : r;
  });
  userAction('activeren', 'user.unblock', confirmSchema, async (g) => {
    const r = await unblockUser(deps, g.target.personId);
    return r.ok ? { ok: true, detail: { mobileIds: r.unblocked }, notice: 'geactiveerd' } : r;
  });
  userAction('intrekken', 'user.revoke', confirmSchema, async (g) => {
    const r = await revokeCertificate(deps, g.target.personId);
    return r.ok ? { ok: true, detail: { certificates: r.revoked, irreversible: true }, notice: 'ingetrokken' } : r;
  });
  userAction('certificaat', 'user.new-certificate', newCertificateSchema, async (g, data, c) => {
    const r = await newCertificate(deps, g.target);
    if (!r.ok) return r;
    return {
      ok: true,
      detail: { delivery: data.bezorging, voided: r.code.voided, codeExpiresAt: r.code.expiresAt },
      respond: () => deliver(c, g, r.person, g.target.role, r.code, data.bezorging, 'Nieuw certificaat: QR-code', 201),
    };
  });
  userAction('rol', 'user.role', roleSchema, async (g, data, c) => {
    const from = g.target.role;
    const r = await assignRole(deps, g.target, data.rol);
    if (!r.ok) return r;
    return {
      ok: true,
      detail: { from, to: data.rol, delivery: data.bezorging, voided: r.code.voided, codeExpiresAt: r.code.expiresAt },
      respond: () => deliver(c, g, r.person, data.rol, r.code, data.bezorging, `Rol ${data.rol}: QR-code`, 200),
    };
  });
  userAction('attributen', 'user.attributes', attributeSchema, async (g, data) => {
    const r = await addAttribute(deps, g.target, data);
    return { ok: true, detail: { type: r.attribute.type, taakcode: r.attribute.taakcode }, notice: 'attribuut' };
  });
  userAction('verwijderen', 'user.remove', confirmSchema, async (g, _data, c) => {
    const r = await removeMembership(deps, g.target);
    if (!r.ok) return r;
    return {
      ok: true,
      detail: { attributesRemoved: r.attributesRemoved },
      respond: async () => (isApi(c) ? c.json({ outcome: 'ok', removed: { zorgIdId: g.target.personId, ura: g.ura, attributesRemoved: r.attributesRemoved } }) : c.redirect(`/beheer/organisaties/${g.ura}/gebruikers`, 303)),
    };
  });

  // ---- the desktop app fetches an enrol-user QR once (docs/handoff-protocol.md §8) -----------------

  app.get('/api/handoff/:id/enrolment', async (c) => {
    const id = c.req.param('id');
    const handoff = await store.getHandoff(id);
    const delivery = handoff?.purpose === 'enrol-user' ? await store.getEnrolmentHandoff(id) : null;
    const refuse = async (code: ErrorCode) => {
      await audit({ at: clock(), actor: 'app', action: 'enrolment.deliver', outcome: 'refused', requestId: id.slice(0, 32), code });
      return ctx.refuse(c, code);
    };
    if (!handoff || !delivery) return refuse('ERR_PORTAL_HANDOFF_NOT_FOUND');
    await store.sweepEnrolmentHandoffs(clock());
    if (clock() >= handoff.expiresAt && handoff.state === 'pending') return refuse('ERR_PORTAL_HANDOFF_EXPIRED');
    if (handoff.state !== 'pending') return refuse('ERR_PORTAL_HANDOFF_NOT_PENDING');
    const payload = await store.takeEnrolmentHandoff(id, clock());
    if (!payload) return refuse('ERR_PORTAL_HANDOFF_NOT_PENDING');
    await store.updateHandoff(id, { state: 'done', fetchedAt: handoff.fetchedAt ?? clock() }, ['pending']);
    const person = (await store.getPerson(delivery.personId))!;
    await audit({ at: clock(), actor: 'app', action: 'enrolment.deliver', outcome: 'ok', requestId: id, detail: { ura: delivery.ura, target: person.id } });
    return c.json({
      purpose: 'enrol-user',
      organisation: await orgRef(delivery.ura),
      user: { name: person.name, zorgIdId: person.id },
      enrolment: { payload, qrDataUrl: await qrDataUrl(payload), expiresAt: new Date(delivery.codeExpiresAt).toISOString() },
    });
  });

  app.get('/beheer/inschrijving/:id', async (c) => {
    const id = c.req.param('id');
    const handoff = await store.getHandoff(id);
    const delivery = handoff?.purpose === 'enrol-user' ? await store.getEnrolmentHandoff(id) : null;
    if (!handoff || !delivery) return refused(c, 'ERR_PORTAL_HANDOFF_NOT_FOUND');
    const g = await gate(c, 'user.view', delivery.ura);
    if (g instanceof Response) return g;
    const s = c.get('session');
    if (!s || s.id !== handoff.creatorSession) return refused(c, 'ERR_PORTAL_SESSION_MISMATCH');
    const person = (await store.getPerson(delivery.personId))!;
    return c.html(desktopSentPage({ org: g.org, name: person.name, back: `${userUrl(g.ura, person.id)}?melding=qr-desktop` }));
  });
}
