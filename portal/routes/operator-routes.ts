// The operator (VZVZ) registers organisations: a form at /operator and the same as JSON under
// /api/operator, both behind the operator's bearer token (compared in constant time).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import { fieldErrors, registrationSchema, type RegistrationInput } from '../organisation';
import { operatorPage } from '../pages/organisation-pages';
import type { PortalContext, RouteContext } from '../route-context';
import type { RegistrationRecord } from '../store/store';
import { bearer, formBody } from './request-input';

export function registerOperatorRoutes(ctx: RouteContext): void {
  // A guessable operator token would hand out organisations.
  if (ctx.operatorToken !== null && ctx.operatorToken.length < 16) throw new Error('portal configuration: operatorToken must be at least 16 characters');
  const { app } = ctx;
  app.get('/operator', (c) => c.html(operatorPage({ values: {}, errors: {}, created: null, list: null })));
  app.post('/operator', (c) => registerByForm(ctx, c));
  app.post('/api/operator/registrations', (c) => registerByApi(ctx, c));
  app.get('/api/operator/registrations', (c) => listRegistrations(ctx, c));
}

function operatorAllowed(ctx: RouteContext, given: string | undefined): boolean {
  if (!ctx.operatorToken || !given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(ctx.operatorToken).digest();
  return timingSafeEqual(a, b);
}

async function createRegistration(ctx: RouteContext, input: RegistrationInput): Promise<RegistrationRecord | ErrorCode> {
  const record: RegistrationRecord = { ...input, status: 'pending', createdAt: ctx.clock(), activatedAt: null, administrator: null };
  if (!(await ctx.store.createRegistration(record))) return 'ERR_ORG_REGISTRATION_EXISTS';
  return record;
}

async function registerByForm(ctx: RouteContext, c: PortalContext) {
  const { clock, audit, refuse } = ctx;
  if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
  const body = formBody(await c.req.parseBody());
  if (!operatorAllowed(ctx, body.token)) {
    await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN' });
    return c.html(operatorPage({ values: body, errors: { token: ERROR_MESSAGES.ERR_PORTAL_OPERATOR_FORBIDDEN.nl }, created: null, list: null }), 403);
  }
  const parsed = registrationSchema.safeParse(body);
  if (!parsed.success) return c.html(operatorPage({ values: body, errors: fieldErrors(parsed.error), created: null, list: null }), 400);
  const result = await createRegistration(ctx, parsed.data);
  if (typeof result === 'string') {
    await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: result, detail: { ura: parsed.data.ura } });
    return c.html(operatorPage({ values: body, errors: { ura: ERROR_MESSAGES[result].nl }, created: null, list: null }), 409);
  }
  await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'ok', detail: { ura: result.ura } });
  return c.html(operatorPage({ values: {}, errors: {}, created: result, list: await ctx.store.listRegistrations() }), 201);
}

async function registerByApi(ctx: RouteContext, c: PortalContext) {
  const { clock, audit } = ctx;
  if (!operatorAllowed(ctx, bearer(c))) {
    await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN' });
    return c.json({ outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN', message: ERROR_MESSAGES.ERR_PORTAL_OPERATOR_FORBIDDEN.nl }, 403);
  }
  const parsed = registrationSchema.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) {
    return c.json({ outcome: 'refused', code: 'ERR_PORTAL_BAD_REQUEST', message: ERROR_MESSAGES.ERR_PORTAL_BAD_REQUEST.nl, fields: fieldErrors(parsed.error) }, 400);
  }
  const result = await createRegistration(ctx, parsed.data);
  if (typeof result === 'string') {
    await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: result, detail: { ura: parsed.data.ura } });
    return c.json({ outcome: 'refused', code: result, message: ERROR_MESSAGES[result].nl }, 409);
  }
  await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'ok', detail: { ura: result.ura } });
  return c.json({ outcome: 'created', registration: result }, 201);
}

async function listRegistrations(ctx: RouteContext, c: PortalContext) {
  if (!operatorAllowed(ctx, bearer(c))) return c.json({ outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN', message: ERROR_MESSAGES.ERR_PORTAL_OPERATOR_FORBIDDEN.nl }, 403);
  return c.json({ registrations: await ctx.store.listRegistrations() });
}
