// The back-channel of ZORG-ID Desktop (docs/handoff-protocol.md): the app fetches the request, reports
// that it read the card, posts the token, cancels, and reports that the card left the reader.
import { z } from 'zod';
import { AppError } from '../errors';
import { handoffWire } from '../handoffs';
import type { PortalContext, RouteContext } from '../route-context';
import type { TokenValidator } from '@zorgid/validator';
import type { HandoffRouteDeps } from './handoff-routes';

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export interface HandoffAppRouteDeps extends HandoffRouteDeps {
  validator: TokenValidator;
  /** The OpenID Provider's back-channel logout of the relying parties of this card session (oidc/oidc.ts). */
  onCardRemoved?(cardSessionId: string): Promise<number>;
}

export function registerHandoffAppRoutes(ctx: RouteContext, deps: HandoffAppRouteDeps): void {
  const { app } = ctx;
  app.get('/api/handoff/:id', (c) => fetchRequest(ctx, deps, c));
  // Not in the design text: lets the wait page show "pas gelezen" (docs/handoff-protocol.md).
  app.post('/api/handoff/:id/progress', (c) => progress(ctx, deps, c));
  // Bounded (HANDOFF_TOKEN_MAX_BYTES + 6000) by http-guard.ts before anything is buffered.
  app.post('/api/handoff/:id/token', (c) => acceptToken(ctx, deps, c));
  app.post('/api/handoff/:id/cancel', (c) => cancel(ctx, deps, c));
  // §6: the app saw the card leave the reader; every session that card opened ends now.
  app.post('/api/handoff/session/:sessionId/card-removed', (c) => cardRemoved(ctx, deps, c));
}

async function fetchRequest(ctx: RouteContext, deps: HandoffAppRouteDeps, c: PortalContext) {
  const { store, clock, audit } = ctx;
  const id = c.req.param('id')!;
  const r = await deps.handoffs.liveHandoff(id);
  if (typeof r === 'string') {
    await audit({ at: clock(), actor: 'app', action: 'handoff.fetch', outcome: 'refused', requestId: id.slice(0, 32), code: r });
    return ctx.refuse(c, r);
  }
  if (r.fetchedAt === null) await store.updateHandoff(id, { fetchedAt: clock() }, ['pending', 'card-read']);
  await audit({ at: clock(), actor: 'app', action: 'handoff.fetch', outcome: 'ok', requestId: id });
  return c.json(handoffWire(r));
}

async function progress(ctx: RouteContext, deps: HandoffAppRouteDeps, c: PortalContext) {
  const { store, clock, audit } = ctx;
  const id = c.req.param('id')!;
  const body = z.object({ state: z.literal('card-read') }).safeParse(await c.req.json().catch(() => null));
  if (!body.success) return ctx.refuse(c, 'ERR_PORTAL_BAD_REQUEST');
  const r = await deps.handoffs.liveHandoff(id);
  if (typeof r === 'string') return ctx.refuse(c, r);
  await store.updateHandoff(id, { state: 'card-read' }, ['pending']);
  await audit({ at: clock(), actor: 'app', action: 'handoff.card-read', outcome: 'ok', requestId: id });
  deps.events.notify(id);
  return c.json({ outcome: 'ok' });
}

async function acceptToken(ctx: RouteContext, deps: HandoffAppRouteDeps, c: PortalContext) {
  const { store, clock, rng, audit } = ctx;
  const { notify } = deps.events;
  const id = c.req.param('id')!;
  const body = await c.req.text();
  try {
    // A create-smartcard token is only taken together with its CSR (/api/smartcard/:id/certify).
    if ((await store.getHandoff(id))?.purpose === 'create-smartcard') throw new AppError('ERR_TOKEN_PURPOSE_NOT_SUPPORTED');
    const valid = await deps.validator.validate(body, { requestId: id, origin: ctx.origin() });
    const now = clock();
    const cardSessionId = b64url(rng(16));
    const { uziNumber, ura } = valid.holder;
    const user = valid.request.purpose === 'login' ? await store.getUser(uziNumber) : undefined;
    // One transaction: done, the user's last login and the audit record, before we answer. A cancel
    // that raced the token wins: the request is no longer open.
    const taken = await store.acceptHandoffToken({
      id,
      done: { holder: valid.holder, browserCodeHash: valid.browserCodeHash, certSha256: valid.certificate.sha256, cardSessionId },
      user:
        user === undefined
          ? null
          : { uziNumber, ura, status: user?.status ?? 'active', certSha256: valid.certificate.sha256, createdAt: user?.createdAt ?? now, lastLoginAt: now },
      audit: {
        at: now,
        actor: `uzi:${uziNumber}`,
        action: 'handoff.token',
        outcome: 'ok',
        requestId: id,
        detail: { purpose: valid.request.purpose, ura, cardType: valid.holder.cardType, cert: valid.certificate.sha256.slice(0, 16) },
      },
    });
    if (!taken) throw new AppError('ERR_PORTAL_HANDOFF_NOT_PENDING');
    notify(id);
    if (valid.request.purpose === 'validate-organisation') {
      // The app shows which organisation it validated; enrolment data follows on the back-channel.
      const registration = await store.getRegistration(valid.holder.ura);
      return c.json({
        outcome: 'accepted',
        sessionId: cardSessionId,
        organisation: registration ? { ura: registration.ura, name: registration.name } : null,
        validation: `/api/handoff/${id}/organisation`,
      });
    }
    return c.json({ outcome: 'accepted', sessionId: cardSessionId });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // A token that got past the single-use mark burns the request; earlier refusals leave it alone.
    const r = await store.getHandoff(id);
    if (r && r.usedAt !== null && (r.state === 'pending' || r.state === 'card-read')) {
      await store.updateHandoff(id, { state: 'failed', errorCode: err.code }, ['pending', 'card-read']);
      notify(id);
    }
    await audit({ at: clock(), actor: 'app', action: 'handoff.token', outcome: 'refused', requestId: id.slice(0, 32), code: err.code });
    return ctx.refuse(c, err.code);
  }
}

async function cancel(ctx: RouteContext, deps: HandoffAppRouteDeps, c: PortalContext) {
  const { store, clock, audit, refuse } = ctx;
  const id = c.req.param('id')!;
  const r = await deps.handoffs.liveHandoff(id);
  if (typeof r === 'string') return refuse(c, r);
  if (!(await store.updateHandoff(id, { state: 'cancelled' }, ['pending', 'card-read']))) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
  await audit({ at: clock(), actor: 'app', action: 'handoff.cancel', outcome: 'ok', requestId: id });
  deps.events.notify(id);
  return c.json({ outcome: 'cancelled' });
}

async function cardRemoved(ctx: RouteContext, deps: HandoffAppRouteDeps, c: PortalContext) {
  const { store, clock, audit } = ctx;
  const cardSessionId = c.req.param('sessionId')!;
  const ended = await store.endSessionsOfCard(cardSessionId, clock(), 'kaart-verwijderd');
  const relyingParties = (await deps.onCardRemoved?.(cardSessionId)) ?? 0;
  await audit({ at: clock(), actor: 'app', action: 'session.card-removed', outcome: ended > 0 ? 'ok' : 'refused', detail: { ended, relyingParties } });
  return c.json({ outcome: 'ok', ended });
}
