// How a new enrolment QR reaches its user: shown once in the administrator's page or answer, or —
// bezorging=desktop — only in ZORG-ID Desktop, which fetches it once over an enrol-user handoff
// (docs/handoff-protocol.md §8).
import QRCode from 'qrcode';
import type { ErrorCode } from '../errors';
import type { IssuedCode } from '../admin';
import { desktopSentPage, qrOncePage, userUrl } from '../pages/admin-pages';
import type { PortalContext, RouteContext } from '../route-context';
import type { PersonRecord, PortalRole } from '../store/store';
import { gate, isApi, orgRef, refused, type Gate } from './admin-gate';

const qrDataUrl = (payload: string) => QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 });

export function registerAdminEnrolmentRoutes(ctx: RouteContext): void {
  ctx.app.get('/api/handoff/:id/enrolment', (c) => fetchEnrolment(ctx, c));
  ctx.app.get('/beheer/inschrijving/:id', (c) => desktopSent(ctx, c));
}

/** Shows the new QR once: in this page/answer, or — bezorging=desktop — only in ZORG-ID Desktop via an enrol-user handoff. */
export async function deliver(
  ctx: RouteContext,
  c: PortalContext,
  g: Gate,
  person: PersonRecord,
  role: PortalRole,
  code: IssuedCode,
  delivery: 'browser' | 'desktop',
  heading: string,
  status: 200 | 201,
) {
  const { store, clock } = ctx;
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

/** The desktop app fetches an enrol-user QR once. */
async function fetchEnrolment(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit } = ctx;
  const id = c.req.param('id')!;
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
    organisation: await orgRef(ctx, delivery.ura),
    user: { name: person.name, zorgIdId: person.id },
    enrolment: { payload, qrDataUrl: await qrDataUrl(payload), expiresAt: new Date(delivery.codeExpiresAt).toISOString() },
  });
}

/** Where the administrator's browser lands once the desktop app showed the QR. */
async function desktopSent(ctx: RouteContext, c: PortalContext) {
  const { store } = ctx;
  const id = c.req.param('id')!;
  const handoff = await store.getHandoff(id);
  const delivery = handoff?.purpose === 'enrol-user' ? await store.getEnrolmentHandoff(id) : null;
  if (!handoff || !delivery) return refused(c, 'ERR_PORTAL_HANDOFF_NOT_FOUND');
  const g = await gate(ctx, c, 'user.view', delivery.ura);
  if (g instanceof Response) return g;
  const s = c.get('session');
  if (!s || s.id !== handoff.creatorSession) return refused(c, 'ERR_PORTAL_SESSION_MISMATCH');
  const person = (await store.getPerson(delivery.personId))!;
  return c.html(desktopSentPage({ org: g.org, name: person.name, back: `${userUrl(g.ura, person.id)}?melding=qr-desktop` }));
}
