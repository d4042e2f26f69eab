// Administration routes: Dutch pages under /beheer and the same operations as JSON under /api/beheer.
// Every route runs the gate of admin-gate.ts and only then parses input and calls the operation from
// admin.ts. Here: the overview, an organisation's users, registering a user (§4) and adding an
// existing one (§8.1); one user in admin-user-routes.ts, the QR's delivery in admin-enrolment-routes.ts.
import { z } from 'zod';
import { addExistingUser, listUsers, registerUser, userView, type Actor, type AdminAction } from '../admin';
import { addExistingSchema, registerUserSchema } from '../admin-input';
import { fieldErrors } from '../organisation';
import { addExistingPage, adminHomePage, registerUserPage, userUrl, usersPage } from '../pages/admin-pages';
import type { FieldErrors } from '../pages/organisation-pages';
import type { PortalContext, RouteContext } from '../route-context';
import { adminDeps, both, formGate, gate, input, isApi, noticeOf, organisationsFor, orgRef, record, refused, sessionActor, strings, userWire } from './admin-gate';
import { deliver, registerAdminEnrolmentRoutes } from './admin-enrolment-routes';
import { registerAdminUserRoutes } from './admin-user-routes';

export function registerAdminRoutes(ctx: RouteContext): void {
  const { app } = ctx;
  for (const path of both('')) app.get(path, (c) => overview(ctx, c));
  for (const path of both('/organisaties/:ura/gebruikers')) app.get(path, (c) => organisationUsers(ctx, c));
  app.get('/beheer/gebruikers/nieuw', (c) => registerForm(ctx, c));
  app.get('/beheer/gebruikers/bestaand', (c) => addExistingForm(ctx, c));
  for (const path of both('/gebruikers')) app.post(path, (c) => registerNewUser(ctx, c));
  for (const path of both('/gebruikers/bestaand')) app.post(path, (c) => addExisting(ctx, c));
  registerAdminUserRoutes(ctx);
  registerAdminEnrolmentRoutes(ctx);
}

async function overview(ctx: RouteContext, c: PortalContext) {
  const actor = await sessionActor(ctx, c);
  if (!actor) return isApi(c) ? refused(c, 'ERR_ADMIN_LOGIN_REQUIRED') : c.redirect('/?afgemeld=sessie', 303);
  const organisations = await Promise.all(actor.memberships.map(async (m) => ({ ...(await orgRef(ctx, m.ura)), role: m.role })));
  if (isApi(c)) return c.json({ zorgIdId: actor.personId, name: actor.name, organisations });
  return c.html(adminHomePage({ name: actor.name, organisations }));
}

// ?pagina=N&zoek=… on the list; anything else there is ignored rather than refused (a stale link still opens page 1).
const listQuerySchema = z.object({
  pagina: z.coerce.number().int().min(1).max(100_000).catch(1),
  zoek: z.string().trim().max(100).optional().catch(undefined),
});

async function organisationUsers(ctx: RouteContext, c: PortalContext) {
  const inactive = c.req.query('inactief') === 'ja';
  const g = await gate(ctx, c, inactive ? 'users.inactive' : 'users.list', c.req.param('ura') ?? '');
  if (g instanceof Response) return g;
  const q = listQuerySchema.parse({ pagina: c.req.query('pagina') ?? 1, zoek: c.req.query('zoek') });
  const search = q.zoek || undefined;
  const list = await listUsers(adminDeps(ctx), g.ura, { onlyInactive: inactive, page: q.pagina, ...(search ? { search } : {}) });
  if (isApi(c)) {
    return c.json({ organisation: g.org, inactiveOnly: inactive, users: list.users.map(userWire), page: list.page, pageSize: list.pageSize, total: list.total });
  }
  // The organisation's Smartcard accounts, also those of employees without a ZORG-ID person (seed 003).
  const smartcards = inactive ? [] : await ctx.store.listSmartcards(g.ura);
  return c.html(usersPage({ org: g.org, role: g.role, list, search: search ?? '', inactiveOnly: inactive, smartcards, notice: noticeOf(c) }));
}

async function registerForm(ctx: RouteContext, c: PortalContext) {
  const actor = await formGate(ctx, c, 'user.register');
  if (actor instanceof Response) return actor;
  return c.html(registerUserPage({ organisations: await organisationsFor(ctx, actor, 'user.register'), values: { organisatie: c.req.query('organisatie') ?? '' }, errors: {} }));
}

async function addExistingForm(ctx: RouteContext, c: PortalContext) {
  const actor = await formGate(ctx, c, 'user.add-existing');
  if (actor instanceof Response) return actor;
  return c.html(addExistingPage({ organisations: await organisationsFor(ctx, actor, 'user.add-existing'), values: { organisatie: c.req.query('organisatie') ?? '' }, errors: {} }));
}

/** Parses with `schema`; on failure the form again with Dutch errors beside the fields (400), nothing changed. */
async function parseOr<T>(
  ctx: RouteContext,
  c: PortalContext,
  schema: z.ZodType<T>,
  body: Record<string, unknown> | null,
  actor: Actor,
  action: AdminAction,
  ura: string | null,
  page: (errors: FieldErrors) => Promise<string>,
): Promise<T | Response> {
  if (body === null) {
    await record(ctx, c, actor, action, 'refused', { ura }, 'ERR_PORTAL_BAD_REQUEST');
    return refused(c, 'ERR_PORTAL_BAD_REQUEST');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  // Personal data stays out of the audit: only which fields were wrong.
  await record(ctx, c, actor, action, 'refused', { ura, fields: Object.keys(fields) }, 'ERR_ADMIN_INVALID_INPUT');
  if (isApi(c)) return refused(c, 'ERR_ADMIN_INVALID_INPUT', fields);
  return c.html(await page(fields), 400);
}

async function registerNewUser(ctx: RouteContext, c: PortalContext) {
  const actor = await formGate(ctx, c, 'user.register');
  if (actor instanceof Response) return actor;
  const body = await input(c);
  const orgs = () => organisationsFor(ctx, actor, 'user.register');
  const data = await parseOr(ctx, c, registerUserSchema(ctx.clock()), body, actor, 'user.register', null, async (errors) =>
    registerUserPage({ organisations: await orgs(), values: strings(body), errors }),
  );
  if (data instanceof Response) return data;
  const g = await gate(ctx, c, 'user.register', data.organisatie);
  if (g instanceof Response) return g;
  const done = await registerUser(adminDeps(ctx), { ura: g.ura, givenName: data.voornaam, surname: data.achternaam, birthDate: data.geboortedatum });
  await record(ctx, c, actor, 'user.register', 'ok', { ura: g.ura, target: done.person.id, role: 'Gebruiker', delivery: data.bezorging, codeExpiresAt: done.code.expiresAt });
  return deliver(ctx, c, g, done.person, 'Gebruiker', done.code, data.bezorging, 'Gebruiker geregistreerd', 201);
}

async function addExisting(ctx: RouteContext, c: PortalContext) {
  const actor = await formGate(ctx, c, 'user.add-existing');
  if (actor instanceof Response) return actor;
  const body = await input(c);
  const values = strings(body);
  const orgs = () => organisationsFor(ctx, actor, 'user.add-existing');
  const data = await parseOr(ctx, c, addExistingSchema(ctx.clock()), body, actor, 'user.add-existing', null, async (errors) =>
    addExistingPage({ organisations: await orgs(), values, errors }),
  );
  if (data instanceof Response) return data;
  const g = await gate(ctx, c, 'user.add-existing', data.organisatie);
  if (g instanceof Response) return g;
  const done = await addExistingUser(adminDeps(ctx), { ura: g.ura, zorgIdId: data.zorgIdId, birthDate: data.geboortedatum });
  if (!done.ok) {
    await record(ctx, c, actor, 'user.add-existing', 'refused', { ura: g.ura }, done.code);
    if (isApi(c)) return refused(c, done.code, done.fields);
    return c.html(addExistingPage({ organisations: await orgs(), values, errors: done.fields ?? {}, code: done.code }), done.status);
  }
  await record(ctx, c, actor, 'user.add-existing', 'ok', { ura: g.ura, target: done.person.id, role: done.membership.role });
  if (isApi(c)) return c.json({ outcome: 'ok', user: userWire(await userView(adminDeps(ctx), done.membership)) }, 201);
  return c.redirect(`${userUrl(g.ura, done.person.id)}?melding=toegevoegd`, 303);
}
