// Administration of one user of one organisation (manual §5–§9): the user's page, the lost-PIN page,
// the confirmation pages, and every change as a POST that runs the gate, parses, calls the operation
// from admin.ts, audits and answers.
import type { z } from 'zod';
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import {
  addAttribute,
  assignRole,
  blockUser,
  lostPinStep,
  newCertificate,
  REACHES_OTHER_ORGANISATIONS,
  removeMembership,
  revokeCertificate,
  unblockUser,
  userView,
  type AdminAction,
  type Refusal,
} from '../admin';
import { attributeSchema, blockSchema, confirmSchema, newCertificateSchema, roleSchema } from '../admin-input';
import { fieldErrors } from '../organisation';
import { confirmPage, lostPinPage, userPage, userUrl } from '../pages/admin-pages';
import type { FieldErrors } from '../pages/organisation-pages';
import type { PortalContext, RouteContext } from '../route-context';
import { BLOCK_REASONS } from '../store/store';
import { adminDeps, both, input, isApi, noticeOf, record, refused, strings, userGate, userWire, type UserGate } from './admin-gate';
import { deliver } from './admin-enrolment-routes';

const USER = '/organisaties/:ura/gebruikers/:pid';

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

export function registerAdminUserRoutes(ctx: RouteContext): void {
  const { app } = ctx;
  for (const path of both(USER)) app.get(path, (c) => showUser(ctx, c));
  app.get(`/beheer${USER}/pincode-kwijt`, (c) => showLostPin(ctx, c));
  for (const suffix of Object.keys(CONFIRM)) app.get(`/beheer${USER}/${suffix}`, (c) => showConfirm(ctx, c, suffix));
  registerUserActions(ctx);
}

async function renderUser(
  ctx: RouteContext,
  c: PortalContext,
  g: UserGate,
  extra: { errors?: FieldErrors; values?: Record<string, string>; code?: ErrorCode | null; status?: 200 | 400 | 409 } = {},
) {
  const view = await userView(adminDeps(ctx), g.target);
  const notice = noticeOf(c);
  const uzi = view.person.uziNumber;
  const smartcards = (await ctx.store.listSmartcards(g.ura)).filter((s) => s.personId === view.person.id || (uzi !== null && s.uziNumber === uzi));
  return c.html(
    userPage({ org: g.org, actorRole: g.role, view, smartcards, notice, errors: extra.errors ?? {}, values: extra.values ?? {}, code: extra.code ?? null }),
    extra.status ?? 200,
  );
}

async function showUser(ctx: RouteContext, c: PortalContext) {
  const g = await userGate(ctx, c, 'user.view');
  if (g instanceof Response) return g;
  if (isApi(c)) return c.json({ organisation: g.org, user: userWire(await userView(adminDeps(ctx), g.target)) });
  return renderUser(ctx, c, g);
}

async function showLostPin(ctx: RouteContext, c: PortalContext) {
  const g = await userGate(ctx, c, 'user.lost-pin');
  if (g instanceof Response) return g;
  const view = await userView(adminDeps(ctx), g.target);
  return c.html(lostPinPage({ org: g.org, view, step: lostPinStep(view), errors: {} }));
}

async function confirmation(ctx: RouteContext, g: UserGate, suffix: string, error?: string) {
  const person = (await ctx.store.getPerson(g.target.personId))!;
  const conf = CONFIRM[suffix]!;
  const base = userUrl(g.ura, person.id);
  return confirmPage({ title: conf.title, text: conf.text(person.name, g.org.name), action: `${base}/${suffix}`, button: conf.button, cancel: base, ...(error === undefined ? {} : { error }) });
}

async function showConfirm(ctx: RouteContext, c: PortalContext, suffix: string) {
  const g = await userGate(ctx, c, CONFIRM[suffix]!.action);
  if (g instanceof Response) return g;
  return c.html(await confirmation(ctx, g, suffix));
}

type ActionResult = { ok: true; detail?: Record<string, unknown>; respond?: () => Promise<Response>; notice?: string; json?: Record<string, unknown> } | Refusal;

/** A POST on one user: gate, parse, run, audit, answer (JSON, or back to the user / lost-PIN page). */
function userAction<T>(ctx: RouteContext, suffix: string, action: AdminAction, schema: z.ZodType<T>, run: (g: UserGate, data: T, c: PortalContext) => Promise<ActionResult>) {
  const { app, store } = ctx;
  for (const path of both(`${USER}/${suffix}`)) {
    app.post(path, async (c) => {
      const g = await userGate(ctx, c, action);
      if (g instanceof Response) return g;
      const body = await input(c);
      const values = strings(body);
      const back = values.terug === 'pincode-kwijt' ? 'pincode-kwijt' : null;
      const rerender = async (errors: FieldErrors, code: ErrorCode | null, status: 200 | 400 | 409) => {
        if (back) {
          const view = await userView(adminDeps(ctx), g.target);
          return c.html(lostPinPage({ org: g.org, view, step: lostPinStep(view), errors, code }), status);
        }
        if (code === 'ERR_ADMIN_CONFIRMATION_REQUIRED' && CONFIRM[suffix]) return c.html(await confirmation(ctx, g, suffix, ERROR_MESSAGES[code].nl), status);
        return renderUser(ctx, c, g, { errors, values, code, status });
      };
      if (body === null) {
        await record(ctx, c, g.actor, action, 'refused', { ura: g.ura, target: g.target.personId }, 'ERR_PORTAL_BAD_REQUEST');
        return refused(c, 'ERR_PORTAL_BAD_REQUEST');
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error);
        const code: ErrorCode = 'bevestigd' in fields ? 'ERR_ADMIN_CONFIRMATION_REQUIRED' : 'ERR_ADMIN_INVALID_INPUT';
        await record(ctx, c, g.actor, action, 'refused', { ura: g.ura, target: g.target.personId, fields: Object.keys(fields) }, code);
        if (isApi(c)) return refused(c, code, fields);
        return rerender(fields, code === 'ERR_ADMIN_CONFIRMATION_REQUIRED' ? code : null, 400);
      }
      const result = await run(g, parsed.data, c);
      if (!result.ok) {
        await record(ctx, c, g.actor, action, 'refused', { ura: g.ura, target: g.target.personId }, result.code);
        if (isApi(c)) return refused(c, result.code, result.fields);
        return rerender(result.fields ?? {}, result.code, result.status === 409 ? 409 : 400);
      }
      const crossOrganisation = REACHES_OTHER_ORGANISATIONS.has(action) && g.elsewhere.length ? { otherOrganisations: g.elsewhere } : {};
      await record(ctx, c, g.actor, action, 'ok', { ura: g.ura, target: g.target.personId, ...(result.detail ?? {}), ...crossOrganisation });
      if (result.respond) return result.respond();
      if (isApi(c)) return c.json({ outcome: 'ok', ...(result.json ?? {}), user: userWire(await userView(adminDeps(ctx), (await store.getMembership(g.target.personId, g.ura)) ?? g.target)) });
      const base = userUrl(g.ura, g.target.personId);
      return c.redirect(back ? `${base}/pincode-kwijt` : `${base}${result.notice ? `?melding=${result.notice}` : ''}`, 303);
    });
  }
}

function registerUserActions(ctx: RouteContext): void {
  const deps = adminDeps(ctx);
  userAction(ctx, 'blokkeren', 'user.block', blockSchema, async (g, data) => {
    const r = await blockUser(deps, g.target.personId, data.reden);
    return r.ok ? { ok: true, detail: { reason: data.reden, reasonText: BLOCK_REASONS[data.reden], mobileIds: r.blocked, national: true }, notice: 'geblokkeerd' } : r;
  });
  userAction(ctx, 'activeren', 'user.unblock', confirmSchema, async (g) => {
    const r = await unblockUser(deps, g.target.personId);
    return r.ok ? { ok: true, detail: { mobileIds: r.unblocked }, notice: 'geactiveerd' } : r;
  });
  userAction(ctx, 'intrekken', 'user.revoke', confirmSchema, async (g) => {
    const r = await revokeCertificate(deps, g.target.personId);
    return r.ok ? { ok: true, detail: { certificates: r.revoked, irreversible: true }, notice: 'ingetrokken' } : r;
  });
  userAction(ctx, 'certificaat', 'user.new-certificate', newCertificateSchema, async (g, data, c) => {
    const r = await newCertificate(deps, g.target);
    if (!r.ok) return r;
    return {
      ok: true,
      detail: { delivery: data.bezorging, voided: r.code.voided, codeExpiresAt: r.code.expiresAt },
      respond: () => deliver(ctx, c, g, r.person, g.target.role, r.code, data.bezorging, 'Nieuw certificaat: QR-code', 201),
    };
  });
  userAction(ctx, 'rol', 'user.role', roleSchema, async (g, data, c) => {
    const from = g.target.role;
    const r = await assignRole(deps, g.target, data.rol);
    if (!r.ok) return r;
    return {
      ok: true,
      detail: { from, to: data.rol, delivery: data.bezorging, voided: r.code.voided, codeExpiresAt: r.code.expiresAt },
      respond: () => deliver(ctx, c, g, r.person, data.rol, r.code, data.bezorging, `Rol ${data.rol}: QR-code`, 200),
    };
  });
  userAction(ctx, 'attributen', 'user.attributes', attributeSchema, async (g, data) => {
    const r = await addAttribute(deps, g.target, data);
    return { ok: true, detail: { type: r.attribute.type, taakcode: r.attribute.taakcode }, notice: 'attribuut' };
  });
  userAction(ctx, 'verwijderen', 'user.remove', confirmSchema, async (g, _data, c) => {
    const r = await removeMembership(deps, g.target);
    if (!r.ok) return r;
    return {
      ok: true,
      detail: { attributesRemoved: r.attributesRemoved },
      respond: async () => (isApi(c) ? c.json({ outcome: 'ok', removed: { zorgIdId: g.target.personId, ura: g.ura, attributesRemoved: r.attributesRemoved } }) : c.redirect(`/beheer/organisaties/${g.ura}/gebruikers`, 303)),
    };
  });
}
