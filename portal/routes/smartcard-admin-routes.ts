// Administration of ZORG-ID Smartcard accounts: the JSON API and the beheer pages, both through
// changeSmartcard (smartcard.ts), the one implementation of block, unblock and remove.
//   GET  /api/beheer/organisaties/:ura/smartcards
//   POST /api/beheer/smartcards/:id/blokkeren {reden} | /deblokkeren {bevestigd:"ja"} | /verwijderen {bevestigd:"ja"}
//   GET|POST /beheer/smartcards/:id/:op (the same, from server-rendered forms)
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import { authorize, type Actor } from '../admin';
import { confirmPage, userUrl } from '../pages/admin-pages';
import { errorPage } from '../pages/pages';
import { shownSmartcards, smartcardBlockPage, smartcardUrl } from '../pages/smartcard-pages';
import type { PortalContext, RouteContext } from '../route-context';
import { changeSmartcard, isAdminOp, SMARTCARD_ADMIN_ACTIONS, smartcardPermission, smartcardWire, type SmartcardAdminDeps, type SmartcardAdminOp } from '../smartcard';
import type { SmartcardRecord } from '../store/store';
import { ZORG_ID_ID_PATTERN } from '../zorg-id';
import { sessionActor } from './admin-gate';
import { formBody } from './request-input';

const NOTICE_OF: Record<SmartcardAdminOp, string> = { blokkeren: 'smartcard-geblokkeerd', deblokkeren: 'smartcard-gedeblokkeerd', verwijderen: 'smartcard-verwijderd' };

const CONFIRM_TEXT: Record<Exclude<SmartcardAdminOp, 'blokkeren'>, { title: string; text: (c: SmartcardRecord) => string; button: string }> = {
  deblokkeren: {
    title: 'ZORG-ID Smartcard deblokkeren',
    text: (c) => `Wilt u de ZORG-ID Smartcard van ${c.name} (serienummer ${c.serialHex}) deblokkeren? Daarna kan er weer mee worden ingelogd.`,
    button: 'Deblokkeren',
  },
  verwijderen: {
    title: 'ZORG-ID Smartcard verwijderen',
    text: (c) =>
      `Wilt u de ZORG-ID Smartcard van ${c.name} (serienummer ${c.serialHex}) verwijderen? Dit is definitief en kan niet ongedaan worden gemaakt: het certificaat wordt ingetrokken en de kaart is daarna onbruikbaar. De medewerker kan daarna een nieuwe ZORG-ID Smartcard maken.`,
    button: 'Verwijderen',
  },
};

export function registerSmartcardAdminRoutes(ctx: RouteContext): void {
  const { app } = ctx;
  app.get('/api/beheer/organisaties/:ura/smartcards', (c) => listSmartcards(ctx, c));
  app.post('/api/beheer/smartcards/:id/:op', (c) => changeByApi(ctx, c));
  app.get('/beheer/smartcards/:id/:op', (c) => showChangeForm(ctx, c));
  app.post('/beheer/smartcards/:id/:op', (c) => changeByForm(ctx, c));
}

const adminDeps = (ctx: RouteContext): SmartcardAdminDeps => ({ store: ctx.store, clock: ctx.clock, audit: ctx.audit });
const actorName = (ctx: RouteContext, c: PortalContext, actor: Actor | null) => (actor ? `zorgid:${actor.personId}` : ctx.browserActor(c));

async function listSmartcards(ctx: RouteContext, c: PortalContext) {
  const ura = c.req.param('ura')!;
  const denied = authorize(await sessionActor(ctx, c), 'user.block', ura);
  if (denied) return c.json({ outcome: 'refused', code: denied }, denied === 'ERR_ADMIN_LOGIN_REQUIRED' ? 401 : 403);
  return c.json({ smartcards: shownSmartcards(await ctx.store.listSmartcards(ura)).map(smartcardWire) });
}

async function changeByApi(ctx: RouteContext, c: PortalContext) {
  const name = c.req.param('op')!;
  if (!isAdminOp(name)) return c.json({ outcome: 'refused', code: 'ERR_PORTAL_BAD_REQUEST' }, 404);
  if (ctx.foreignOrigin(c)) return ctx.refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
  const actor = await sessionActor(ctx, c);
  const body: unknown = await c.req.json().catch(() => null);
  const r = await changeSmartcard(adminDeps(ctx), { actor, actorName: actorName(ctx, c, actor), op: name, id: c.req.param('id')!, body });
  if (!r.ok) return c.json({ outcome: 'refused', code: r.code, message: ERROR_MESSAGES[r.code].nl, ...(r.fields ? { fields: r.fields } : {}) }, r.status);
  return c.json({ outcome: 'ok', smartcard: smartcardWire(r.card) });
}

/** Back to the user's page when the action started there, else to the organisation's users. */
const backTo = (card: SmartcardRecord, terug: string | undefined) =>
  terug && ZORG_ID_ID_PATTERN.test(terug) ? userUrl(card.ura, terug) : `/beheer/organisaties/${card.ura}/gebruikers`;

async function pageRefusal(c: PortalContext, code: ErrorCode, status: 400 | 401 | 403 | 404 | 409): Promise<Response> {
  if (code === 'ERR_ADMIN_LOGIN_REQUIRED') return c.redirect('/?afgemeld=sessie', 303);
  return c.html(errorPage(code), status);
}

async function showChangeForm(ctx: RouteContext, c: PortalContext) {
  const op = c.req.param('op')!;
  if (!isAdminOp(op)) return c.html(errorPage('ERR_PORTAL_BAD_REQUEST'), 404);
  const actor = await sessionActor(ctx, c);
  const { card, denied } = await smartcardPermission(ctx.store, actor, op, c.req.param('id')!);
  const code = denied ?? (card ? null : 'ERR_SMARTCARD_NOT_FOUND');
  if (code) {
    if (actor) await ctx.audit({ at: ctx.clock(), actor: actorName(ctx, c, actor), action: `admin.smartcard.${SMARTCARD_ADMIN_ACTIONS[op].action}`, outcome: 'refused', code, detail: { smartcard: c.req.param('id')!.slice(0, 64), view: true } });
    return pageRefusal(c, code, code === 'ERR_SMARTCARD_NOT_FOUND' ? 404 : denied === 'ERR_ADMIN_LOGIN_REQUIRED' ? 401 : 403);
  }
  const terug = c.req.query('terug');
  const action = `${smartcardUrl(card!.id, op)}`;
  const cancel = backTo(card!, terug);
  const hidden = terug ? { terug } : undefined;
  if (op === 'blokkeren') return c.html(smartcardBlockPage({ card: card!, action, cancel, errors: {}, hidden }));
  const conf = CONFIRM_TEXT[op];
  return c.html(confirmPage({ title: conf.title, text: conf.text(card!), action, button: conf.button, cancel, hidden }));
}

async function changeByForm(ctx: RouteContext, c: PortalContext) {
  const op = c.req.param('op')!;
  if (!isAdminOp(op)) return c.html(errorPage('ERR_PORTAL_BAD_REQUEST'), 404);
  if (ctx.foreignOrigin(c)) return ctx.refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
  const actor = await sessionActor(ctx, c);
  const body = formBody(await c.req.parseBody().catch(() => ({})));
  const r = await changeSmartcard(adminDeps(ctx), { actor, actorName: actorName(ctx, c, actor), op, id: c.req.param('id')!, body });
  const terug = typeof body.terug === 'string' && ZORG_ID_ID_PATTERN.test(body.terug) ? body.terug : undefined;
  if (r.ok) return c.redirect(`${backTo(r.card, terug)}?melding=${NOTICE_OF[op]}#smartcards`, 303);
  // A form that only lacks its reason or confirmation comes back with the error beside it.
  if (r.card && r.status === 400) {
    const action = smartcardUrl(r.card.id, op);
    const cancel = backTo(r.card, terug);
    const hidden = terug ? { terug } : undefined;
    if (op === 'blokkeren') return c.html(smartcardBlockPage({ card: r.card, action, cancel, value: body.reden, errors: r.fields ?? {}, hidden }), 400);
    const conf = CONFIRM_TEXT[op];
    return c.html(confirmPage({ title: conf.title, text: conf.text(r.card), action, button: conf.button, cancel, hidden, error: ERROR_MESSAGES[r.code].nl }), 400);
  }
  return pageRefusal(c, r.code, r.status);
}
