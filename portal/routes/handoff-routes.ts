// The browser's side of a handoff (docs/handoff-protocol.md): create a request, the start page that
// opens ZORG-ID Desktop, the wait page with its status feed, the browser-code completion that turns
// the app's token into this browser's login (or validation step), and the return address.
import { timingSafeEqual } from 'node:crypto';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { fromBase64Url, hashBrowserCode, HANDOFF_PURPOSES } from '@zorgid/protocol';
import type { HandoffEvents } from '../handoff-events';
import { handoffWire, TERMINAL, type Handoffs } from '../handoffs';
import { startPage, waitPage } from '../pages/pages';
import type { PortalContext, RouteContext } from '../route-context';
import { nodeSha256 } from '@zorgid/validator';

export interface HandoffRouteDeps {
  handoffs: Handoffs;
  events: HandoffEvents;
}

const createInput = z.object({
  purpose: z.enum(HANDOFF_PURPOSES).default('login'),
  ura: z.string().regex(/^\d{8}$/).optional(),
});

const appLinks = (ctx: RouteContext, id: string) => {
  const query = `portal=${encodeURIComponent(ctx.origin())}&request=${encodeURIComponent(id)}`;
  return { appUrl: `${ctx.appUrl}/handoff?${query}`, deepLink: `zorgid://handoff?${query}` };
};

/** Creating a request (portal-internal) and its start page. */
export function registerHandoffCreateRoutes(ctx: RouteContext, deps: HandoffRouteDeps): void {
  ctx.app.post('/api/handoff', (c) => createRequest(ctx, c));
  ctx.app.get('/handoff/:id/start', (c) => start(ctx, deps, c));
}

/** The wait page, its status feed, the browser-code completion and the return address. */
export function registerHandoffPageRoutes(ctx: RouteContext, deps: HandoffRouteDeps): void {
  const { app } = ctx;
  app.get('/handoff/:id/wait', (c) => wait(ctx, deps, c));
  app.get('/handoff/:id/status', (c) => status(ctx, deps, c));
  app.get('/handoff/:id/events', (c) => events(ctx, deps, c));
  app.post('/handoff/:id/complete', (c) => complete(ctx, deps, c));
  app.get('/handoff/:id/done', (c) => done(ctx, c));
}

async function createRequest(ctx: RouteContext, c: PortalContext) {
  const { refuse } = ctx;
  const isForm = (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded');
  if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', isForm);
  let raw: unknown;
  try {
    raw = isForm ? Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === 'string')) : await c.req.json();
  } catch {
    // Not {}: a body that does not parse is no request for a default login (issue 15).
    return refuse(c, isForm ? 'ERR_PORTAL_BAD_REQUEST' : 'ERR_HTTP_BAD_JSON', isForm);
  }
  const input = createInput.safeParse(raw);
  if (!input.success || (input.data.purpose === 'validate-organisation' && !input.data.ura)) return refuse(c, 'ERR_PORTAL_BAD_REQUEST', isForm);
  const record = await ctx.createHandoff(c, input.data.purpose, input.data.ura ?? null);
  const id = record.id;
  const links = appLinks(ctx, id);
  if (isForm) return c.redirect(`/handoff/${id}/start`, 303);
  return c.json({ ...handoffWire(record), ...links }, 201);
}

async function start(ctx: RouteContext, deps: HandoffRouteDeps, c: PortalContext) {
  const r = await deps.handoffs.ownHandoff(c, c.req.param('id')!);
  if (typeof r === 'string') return ctx.refuse(c, r, true);
  return c.html(startPage({ ...appLinks(ctx, r.id), purpose: r.purpose }));
}

async function wait(ctx: RouteContext, deps: HandoffRouteDeps, c: PortalContext) {
  // The browser code in ?bc= is read by the page script only; the server neither logs nor keeps it.
  const r = await deps.handoffs.ownHandoff(c, c.req.param('id')!);
  if (typeof r === 'string') return ctx.refuse(c, r, true);
  // The address still holds bc until the script strips it: never send it on as a Referer.
  return c.html(waitPage({ requestId: r.id, purpose: r.purpose }), 200, { 'Referrer-Policy': 'no-referrer' });
}

async function status(ctx: RouteContext, deps: HandoffRouteDeps, c: PortalContext) {
  const r = await deps.handoffs.ownHandoff(c, c.req.param('id')!);
  if (typeof r === 'string') return ctx.refuse(c, r);
  return c.json(deps.handoffs.statusBody(r));
}

async function events(ctx: RouteContext, deps: HandoffRouteDeps, c: PortalContext) {
  const id = c.req.param('id')!;
  const first = await deps.handoffs.ownHandoff(c, id);
  if (typeof first === 'string') return ctx.refuse(c, first);
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | null = null;
    const onChange = () => wake?.();
    const unsubscribe = deps.events.subscribe(id, onChange);
    let aborted = false;
    stream.onAbort(() => {
      aborted = true;
      onChange();
    });
    try {
      let last = '';
      while (!deps.events.closing) {
        const r = await ctx.store.getHandoff(id);
        if (!r) break;
        const body = deps.handoffs.statusBody(r);
        const text = JSON.stringify(body);
        if (text !== last) {
          // What the stream says is on disk first (store/group-commit.ts).
          await ctx.store.durable();
          await stream.writeSSE({ event: 'state', data: text });
          last = text;
        }
        if (TERMINAL.includes(body.state) || aborted || deps.events.closing) break;
        // A change wakes us at once; the 1 s tick notices expiry by the clock.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    } finally {
      unsubscribe();
    }
  });
}

async function complete(ctx: RouteContext, deps: HandoffRouteDeps, c: PortalContext) {
  const { store, clock, audit, refuse } = ctx;
  const { stateOf } = deps.handoffs;
  const id = c.req.param('id')!;
  if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
  const r = await deps.handoffs.ownHandoff(c, id);
  if (typeof r === 'string') {
    await audit({ at: clock(), actor: ctx.browserActor(c), action: 'handoff.complete', outcome: 'refused', requestId: id.slice(0, 32), code: r });
    return refuse(c, r);
  }
  if (r.purpose === 'enrol-user') {
    // No card and no token: the app fetched the QR once over the back-channel (state done); the
    // creator's browser (checked above) goes on to the result page.
    if (stateOf(r) !== 'done' || r.completedAt !== null || !(await store.updateHandoff(id, { completedAt: clock() }, ['done']))) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
    await audit({ at: clock(), actor: ctx.browserActor(c), action: 'handoff.complete.enrol-user', outcome: 'ok', requestId: id });
    return c.json({ outcome: 'ok', next: r.returnUrl });
  }
  if (stateOf(r) !== 'done' || r.completedAt !== null || !r.browserCodeHash || !r.holder) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
  const input = z.object({ bc: z.string().min(16).max(64) }).safeParse(await c.req.json().catch(() => null));
  const expected = fromBase64Url(r.browserCodeHash);
  const given = input.success ? hashBrowserCode(nodeSha256, input.data.bc) : null;
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    // The creator's browser with a wrong code: someone else's flow ended up here. Burn it.
    await store.updateHandoff(id, { state: 'failed', errorCode: 'ERR_PORTAL_BROWSER_CODE_INVALID' }, ['done']);
    deps.events.notify(id);
    await audit({ at: clock(), actor: ctx.browserActor(c), action: 'handoff.complete', outcome: 'refused', requestId: id, code: 'ERR_PORTAL_BROWSER_CODE_INVALID' });
    return refuse(c, 'ERR_PORTAL_BROWSER_CODE_INVALID');
  }
  if (!(await store.updateHandoff(id, { completedAt: clock() }, ['done']))) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
  if (r.purpose === 'login') {
    // A fresh session id at login: the anonymous one may have been seen by someone else.
    const old = c.get('session');
    if (old) await store.endSession(old.id, clock(), 'ingelogd');
    await ctx.newSession(c, 'login', r.holder, r.cardSessionId);
  }
  if (r.purpose === 'validate-organisation') {
    // Only now, with creator session and bc checked, may this browser see the card's data.
    await store.updateValidation(id, { state: 'card-verified', holder: r.holder, updatedAt: clock() }, ['handoff']);
  }
  await audit({ at: clock(), actor: `uzi:${r.holder.uziNumber}`, action: r.purpose === 'login' ? 'login' : `handoff.complete.${r.purpose}`, outcome: 'ok', requestId: id });
  return c.json({ outcome: 'ok', next: r.returnUrl });
}

async function done(ctx: RouteContext, c: PortalContext) {
  const r = await ctx.store.getHandoff(c.req.param('id')!);
  const s = c.get('session');
  if (r?.purpose === 'login' && ctx.liveSession(s) && s.kind === 'login' && s.cardSessionId === r.cardSessionId) return c.redirect('/ingelogd', 303);
  if (r?.purpose === 'enrol-user' && ctx.liveSession(s) && s.id === r.creatorSession) return c.redirect(`/beheer/inschrijving/${r.id}`, 303);
  if (r?.purpose === 'validate-organisation' && r.completedAt !== null && ctx.liveSession(s) && s.id === r.creatorSession) {
    return c.redirect(`/organisatie/validatie/${r.id}`, 303);
  }
  return ctx.refuse(c, r ? 'ERR_PORTAL_SESSION_MISMATCH' : 'ERR_PORTAL_HANDOFF_NOT_FOUND', true);
}
