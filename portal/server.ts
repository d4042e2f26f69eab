// The reference ZORG-ID Portaal: Hono on Node's HTTP server, bound to 127.0.0.1. It implements the
// portal side of docs/handoff-protocol.md (request, back-channel, token, wait page, browser code,
// card removal) and the landing page of portal-rules.md §3.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { UziHolder } from '../src/shared/domain';
import { AppError, kindOf, type ErrorCode } from '../src/shared/errors';
import { ERROR_MESSAGES } from '../src/shared/error-messages';
import {
  HANDOFF_PROTOCOL_VERSION,
  HANDOFF_PURPOSES,
  fromBase64Url,
  hashBrowserCode,
  type HandoffRequest,
} from '../src/shared/handoff-token';
import { PORTAL_CSS, PORTAL_JS } from './pages/assets';
import { contentSecurityPolicy } from './pages/layout';
import { errorPage, landingPage, loggedInPage, mobileLoggedInPage, startPage, waitPage } from './pages/pages';
import { httpGuard } from './http-guard';
import { newLoginQr } from './login-qr';
import { registerMobileRoutes } from './routes/mobile-routes';
import { registerAdminRoutes } from './routes/admin-routes';
import { validationPurposeRules } from './organisation';
import { registerOperatorRoutes } from './routes/operator-routes';
import { registerOrganisationRoutes } from './routes/organisation-routes';
import { createRateLimiter, type RateLimits } from './rate-limit';
import { createSmartcardCa, type SmartcardCaConfig } from './smartcard-ca';
import { smartcardPurposeRules } from './smartcard';
import { registerSmartcardAdminRoutes } from './routes/smartcard-admin-routes';
import { registerSmartcardRoutes } from './routes/smartcard-routes';
import type { Env, RouteContext } from './route-context';
import { openSqliteStore } from './store/sqlite-store';
import type { HandoffRecord, HandoffState, PortalStore, SessionRecord } from './store/store';
import { createValidator, nodeSha256, type CrlSource, type IdentityPort, type OcspConfig, type PurposeRules, type TokenValidator } from './validator';

export const DEFAULT_PORTAL_PORT = 24780;
export const DEFAULT_APP_URL = 'http://127.0.0.1:24761';
const HANDOFF_TTL_MS = 5 * 60_000;
const SESSION_TTL_MS = 8 * 60 * 60_000;
const COOKIE = 'zorgid_portaal';

export interface PortalTrust {
  trustAnchors: Array<Uint8Array | string>;
  intermediates?: Array<Uint8Array | string>;
  crls: CrlSource | Uint8Array[];
  ocsp?: OcspConfig;
}

export interface PortalOptions {
  /** SQLite file; created and migrated when missing. */
  dbPath: string;
  trust: PortalTrust;
  /** Default 0 (any free port) so tests never collide; main.ts uses 24780. */
  port?: number;
  /** The origin the portal signs for; default its own http://127.0.0.1:<port>. */
  origin?: string;
  /** Where ZORG-ID Desktop listens. */
  appUrl?: string;
  clock?: () => number;
  rng?: (bytes: number) => Uint8Array;
  /**
   * First login of an unknown valid card creates an active user (a demo portal has no registration
   * screens yet). Off: unknown cards get ERR_TOKEN_USER_UNKNOWN.
   */
  autoEnrolUsers?: boolean;
  /** For vendors/tests with their own certificate knowledge. */
  identity?: IdentityPort;
  /**
   * Bearer token of the operator (VZVZ) for `/operator` and `/api/operator/*` (organisation
   * registrations). Unset: those routes refuse every call.
   */
  operatorToken?: string;
  /** The ZORG-ID Smartcard CA (seed 003). Unset: create-smartcard is refused, Smartcard logins too. */
  smartcardCa?: SmartcardCaConfig;
  /** Token buckets of the anonymous routes per class (rate-limit.ts); unset classes keep the defaults. */
  rateLimits?: Partial<RateLimits>;
}

export interface Portal {
  url: string;
  origin: string;
  store: PortalStore;
  validator: TokenValidator;
  close(): Promise<void>;
}


const TERMINAL: readonly HandoffState[] = ['done', 'failed', 'cancelled', 'expired'];
const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function statusOf(code: ErrorCode): 400 | 403 | 404 | 409 | 410 | 413 | 429 {
  switch (code) {
    case 'ERR_TOKEN_SIZE':
    case 'ERR_HTTP_BODY_TOO_LARGE':
      return 413;
    case 'ERR_HTTP_RATE_LIMITED':
      return 429;
    case 'ERR_TOKEN_REQUEST_UNKNOWN':
    case 'ERR_PORTAL_HANDOFF_NOT_FOUND':
      return 404;
    case 'ERR_TOKEN_REQUEST_EXPIRED':
    case 'ERR_PORTAL_HANDOFF_EXPIRED':
      return 410;
    case 'ERR_TOKEN_REQUEST_USED':
    case 'ERR_PORTAL_HANDOFF_NOT_PENDING':
      return 409;
    case 'ERR_PORTAL_FORBIDDEN_ORIGIN':
    case 'ERR_HTTP_CROSS_SITE':
    case 'ERR_PORTAL_SESSION_MISMATCH':
    case 'ERR_PORTAL_BROWSER_CODE_INVALID':
      return 403;
    default:
      return 400;
  }
}

const errorBody = (code: ErrorCode) => ({ outcome: 'refused' as const, code, kind: kindOf(code), message: ERROR_MESSAGES[code].nl });

export async function createPortal(options: PortalOptions): Promise<Portal> {
  const clock = options.clock ?? Date.now;
  const rng = options.rng ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const appUrl = (options.appUrl ?? DEFAULT_APP_URL).replace(/\/$/, '');
  const store = openSqliteStore(options.dbPath);
  const autoEnrol = options.autoEnrolUsers ?? true;
  // Filled in once the server listens (the port may be 0).
  let origin = options.origin ?? '';
  const smartcardCa = options.smartcardCa ? await createSmartcardCa(options.smartcardCa) : null;

  const loginRules: PurposeRules = async (ctx) => {
    const { purpose, holder } = ctx;
    if (purpose === 'enrol-user') throw new AppError('ERR_TOKEN_PURPOSE_NOT_SUPPORTED');
    if (purpose === 'validate-organisation') return validationPurposeRules(store, ctx);
    await smartcardPurposeRules(store, smartcardCa, ctx);
    if (purpose !== 'login') return;
    const user = await store.getUser(holder.uziNumber);
    if (user?.status === 'blocked') throw new AppError('ERR_TOKEN_USER_BLOCKED');
    if (!user && !autoEnrol) throw new AppError('ERR_TOKEN_USER_UNKNOWN');
  };

  const validator = createValidator({
    ...options.trust,
    clock,
    identity: options.identity,
    purposeRules: loginRules,
    requests: {
      async find(id) {
        const r = await store.getHandoff(id);
        if (!r) return null;
        return {
          id: r.id,
          purpose: r.purpose,
          challenge: r.challenge,
          origin: r.origin,
          ura: r.ura,
          expiresAt: r.expiresAt,
          usedAt: r.usedAt,
          cancelled: r.state === 'cancelled' || r.state === 'failed',
        };
      },
      markUsed: (id, at) => store.markHandoffUsed(id, at),
    },
  });

  // Wakes SSE streams of one request when its state changes.
  const listeners = new Map<string, Set<() => void>>();
  let closing = false;
  const notify = (id: string) => listeners.get(id)?.forEach((fn) => fn());

  const stateOf = (r: HandoffRecord): HandoffState =>
    (r.state === 'pending' || r.state === 'card-read') && clock() >= r.expiresAt ? 'expired' : r.state;

  const audit = (entry: Parameters<PortalStore['audit']>[0]) => store.audit(entry);
  const browserActor = (c: Context<Env>) => `browser:${(c.get('session')?.id ?? 'none').slice(0, 12)}`;

  async function newSession(c: Context<Env>, kind: SessionRecord['kind'], holder: UziHolder | null, cardSessionId: string | null, mobileId: string | null = null) {
    const token = b64url(rng(32));
    const record: SessionRecord = {
      id: sha256Hex(token),
      kind,
      createdAt: clock(),
      expiresAt: clock() + SESSION_TTL_MS,
      holder,
      cardSessionId,
      endedAt: null,
      endReason: null,
      mobileId,
    };
    await store.createSession(record);
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', secure: origin.startsWith('https:') });
    c.set('session', record);
    c.set('sessionToken', token);
    return record;
  }

  const liveSession = (s: SessionRecord | null): s is SessionRecord => !!s && s.endedAt === null && clock() < s.expiresAt;

  async function ensureSession(c: Context<Env>): Promise<SessionRecord> {
    const s = c.get('session');
    return liveSession(s) ? s : newSession(c, 'anonymous', null, null);
  }

  /** State-changing browser calls must come from our own pages (login CSRF, drive-by requests). */
  function foreignOrigin(c: Context<Env>): boolean {
    const o = c.req.header('origin');
    return o !== undefined && o !== origin;
  }

  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const token = getCookie(c, COOKIE) ?? null;
    c.set('sessionToken', token);
    c.set('session', token ? await store.getSession(sha256Hex(token)) : null);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer, everywhere but the wait page: with no-referrer Chrome sends
    // "Origin: null" on our own form posts, which the origin check then (rightly) refuses.
    if (!c.res.headers.has('Referrer-Policy')) c.header('Referrer-Policy', 'same-origin');
    // no-store unless the route chose otherwise (only the public Smartcard CRL does).
    if (!c.req.path.startsWith('/crl/') || !c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      c.header('Content-Security-Policy', contentSecurityPolicy(new URL(appUrl).origin));
      c.header('X-Frame-Options', 'DENY');
    }
  });

  app.onError(async (err, c) => {
    const code: ErrorCode = err instanceof AppError ? err.code : 'ERR_INTERNAL';
    await audit({ at: clock(), actor: 'system', action: `${c.req.method} ${c.req.routePath}`, outcome: 'error', code }).catch(() => {});
    if (c.req.header('accept')?.includes('text/html')) return c.html(errorPage(code), 500);
    return c.json(errorBody(code), 500);
  });

  const refuse = (c: Context<Env>, code: ErrorCode, html = false) =>
    html ? c.html(errorPage(code), statusOf(code)) : c.json(errorBody(code), statusOf(code));

  // Origin, rate and body checks before any route reads its input (http-guard.ts).
  const limiter = createRateLimiter({ clock, limits: options.rateLimits });
  app.use('*', httpGuard({ origin: () => origin, limiter, refuse, hasSessionCookie: (c) => getCookie(c, COOKIE) !== undefined }));

  app.get('/static/portal.js', (c) => c.body(PORTAL_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/static/portal.css', (c) => c.body(PORTAL_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));

  // ---- landing page and login QR (portal-rules.md §3) -----------------------------------------

  const loginQrDeps = { store, clock, rng, origin: () => origin };

  const NOTICES: Record<string, string> = {
    'kaart-verwijderd': 'U bent uitgelogd omdat uw pas uit de lezer is gehaald.',
    uitgelogd: 'U bent uitgelogd.',
    sessie: 'Uw sessie is beëindigd. Log opnieuw in.',
  };

  app.get('/', async (c) => {
    const session = await ensureSession(c);
    const qr = await newLoginQr(loginQrDeps, session);
    const notice = NOTICES[c.req.query('afgemeld') ?? ''] ?? null;
    return c.html(landingPage({ qrDataUrl: qr.dataUrl, confirmCode: qr.confirmCode, qrExpiresAt: qr.expiresAt, now: qr.now, notice, loggedIn: session.kind === 'login' }));
  });

  app.post('/api/login-qr', async (c) => {
    if (foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
    const session = await ensureSession(c);
    const qr = await newLoginQr(loginQrDeps, session);
    return c.json({ dataUrl: qr.dataUrl, confirmCode: qr.confirmCode, expiresAt: qr.expiresAt, now: qr.now, payload: qr.payload });
  });

  // ---- 1. create a handoff request (portal-internal) ------------------------------------------

  const createInput = z.object({
    purpose: z.enum(HANDOFF_PURPOSES).default('login'),
    ura: z.string().regex(/^\d{8}$/).optional(),
  });

  app.post('/api/handoff', async (c) => {
    const isForm = (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded');
    if (foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', isForm);
    let raw: unknown;
    try {
      raw = isForm ? Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === 'string')) : await c.req.json();
    } catch {
      // Not {}: a body that does not parse is no request for a default login (issue 15).
      return refuse(c, isForm ? 'ERR_PORTAL_BAD_REQUEST' : 'ERR_HTTP_BAD_JSON', isForm);
    }
    const input = createInput.safeParse(raw);
    if (!input.success || (input.data.purpose === 'validate-organisation' && !input.data.ura)) return refuse(c, 'ERR_PORTAL_BAD_REQUEST', isForm);
    const record = await createHandoff(c, input.data.purpose, input.data.ura ?? null);
    const id = record.id;
    const query = `portal=${encodeURIComponent(origin)}&request=${encodeURIComponent(id)}`;
    const links = { appUrl: `${appUrl}/handoff?${query}`, deepLink: `zorgid://handoff?${query}` };
    if (isForm) return c.redirect(`/handoff/${id}/start`, 303);
    return c.json({ ...toWire(record), ...links }, 201);
  });

  async function createHandoff(c: Context<Env>, purpose: HandoffRecord['purpose'], ura: string | null): Promise<HandoffRecord> {
    const session = await ensureSession(c);
    const now = clock();
    const id = b64url(rng(16));
    const record: HandoffRecord = {
      id,
      purpose,
      challenge: b64url(rng(32)),
      origin,
      ura,
      returnUrl: `${origin}/handoff/${id}/done`,
      creatorSession: session.id,
      createdAt: now,
      expiresAt: now + HANDOFF_TTL_MS,
      state: 'pending',
      fetchedAt: null,
      usedAt: null,
      browserCodeHash: null,
      holder: null,
      certSha256: null,
      errorCode: null,
      cardSessionId: null,
      completedAt: null,
    };
    await store.createHandoff(record);
    await audit({ at: now, actor: browserActor(c), action: 'handoff.create', outcome: 'ok', requestId: id, detail: { purpose: record.purpose, ...(ura ? { ura } : {}) } });
    return record;
  }

  function toWire(r: HandoffRecord): HandoffRequest {
    return {
      protocol: HANDOFF_PROTOCOL_VERSION,
      id: r.id,
      purpose: r.purpose,
      challenge: r.challenge,
      origin: r.origin,
      ...(r.ura ? { ura: r.ura } : {}),
      expiresAt: new Date(r.expiresAt).toISOString(),
      returnUrl: r.returnUrl,
    };
  }

  /** The creator's browser only: every page and status call of a request checks this. */
  async function ownHandoff(c: Context<Env>, id: string): Promise<HandoffRecord | ErrorCode> {
    const r = await store.getHandoff(id);
    if (!r) return 'ERR_PORTAL_HANDOFF_NOT_FOUND';
    const s = c.get('session');
    if (!liveSession(s) || s.id !== r.creatorSession) return 'ERR_PORTAL_SESSION_MISMATCH';
    return r;
  }

  app.get('/handoff/:id/start', async (c) => {
    const r = await ownHandoff(c, c.req.param('id'));
    if (typeof r === 'string') return refuse(c, r, true);
    const query = `portal=${encodeURIComponent(origin)}&request=${encodeURIComponent(r.id)}`;
    return c.html(startPage({ appUrl: `${appUrl}/handoff?${query}`, deepLink: `zorgid://handoff?${query}`, purpose: r.purpose }));
  });

  // ---- back-channel: the app fetches the request, reports progress, posts the token ------------

  async function liveHandoff(id: string): Promise<HandoffRecord | ErrorCode> {
    const r = await store.getHandoff(id);
    if (!r) return 'ERR_PORTAL_HANDOFF_NOT_FOUND';
    const state = stateOf(r);
    if (state === 'expired') return 'ERR_PORTAL_HANDOFF_EXPIRED';
    if (state !== 'pending' && state !== 'card-read') return 'ERR_PORTAL_HANDOFF_NOT_PENDING';
    return r;
  }

  app.get('/api/handoff/:id', async (c) => {
    const id = c.req.param('id');
    const r = await liveHandoff(id);
    if (typeof r === 'string') {
      await audit({ at: clock(), actor: 'app', action: 'handoff.fetch', outcome: 'refused', requestId: id.slice(0, 32), code: r });
      return refuse(c, r);
    }
    if (r.fetchedAt === null) await store.updateHandoff(id, { fetchedAt: clock() }, ['pending', 'card-read']);
    await audit({ at: clock(), actor: 'app', action: 'handoff.fetch', outcome: 'ok', requestId: id });
    return c.json(toWire(r));
  });

  // Not in the design text: lets the wait page show "pas gelezen" (docs/handoff-protocol.md).
  app.post('/api/handoff/:id/progress', async (c) => {
    const id = c.req.param('id');
    const body = z.object({ state: z.literal('card-read') }).safeParse(await c.req.json().catch(() => null));
    if (!body.success) return refuse(c, 'ERR_PORTAL_BAD_REQUEST');
    const r = await liveHandoff(id);
    if (typeof r === 'string') return refuse(c, r);
    await store.updateHandoff(id, { state: 'card-read' }, ['pending']);
    await audit({ at: clock(), actor: 'app', action: 'handoff.card-read', outcome: 'ok', requestId: id });
    notify(id);
    return c.json({ outcome: 'ok' });
  });

  app.post(
    '/api/handoff/:id/token',
    // Bounded (HANDOFF_TOKEN_MAX_BYTES + 6000) by http-guard.ts before anything is buffered.
    async (c) => {
      const id = c.req.param('id');
      const body = await c.req.text();
      try {
        // A create-smartcard token is only taken together with its CSR (/api/smartcard/:id/certify).
        if ((await store.getHandoff(id))?.purpose === 'create-smartcard') throw new AppError('ERR_TOKEN_PURPOSE_NOT_SUPPORTED');
        const valid = await validator.validate(body, { requestId: id, origin });
        const now = clock();
        // A cancel that raced the token wins: the request is no longer open.
        if (!(await store.updateHandoff(id, { state: 'signed' }, ['pending', 'card-read']))) throw new AppError('ERR_PORTAL_HANDOFF_NOT_PENDING');
        notify(id);
        const cardSessionId = b64url(rng(16));
        await store.updateHandoff(
          id,
          { state: 'done', holder: valid.holder, browserCodeHash: valid.browserCodeHash, certSha256: valid.certificate.sha256, cardSessionId },
          ['signed'],
        );
        if (valid.request.purpose === 'login') {
          const user = await store.getUser(valid.holder.uziNumber);
          await store.putUser({
            uziNumber: valid.holder.uziNumber,
            ura: valid.holder.ura,
            status: user?.status ?? 'active',
            certSha256: valid.certificate.sha256,
            createdAt: user?.createdAt ?? now,
            lastLoginAt: now,
          });
        }
        await audit({
          at: now,
          actor: `uzi:${valid.holder.uziNumber}`,
          action: 'handoff.token',
          outcome: 'ok',
          requestId: id,
          detail: { purpose: valid.request.purpose, ura: valid.holder.ura, cardType: valid.holder.cardType, cert: valid.certificate.sha256.slice(0, 16) },
        });
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
        return refuse(c, err.code);
      }
    },
  );

  app.post('/api/handoff/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const r = await liveHandoff(id);
    if (typeof r === 'string') return refuse(c, r);
    if (!(await store.updateHandoff(id, { state: 'cancelled' }, ['pending', 'card-read']))) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
    await audit({ at: clock(), actor: 'app', action: 'handoff.cancel', outcome: 'ok', requestId: id });
    notify(id);
    return c.json({ outcome: 'cancelled' });
  });

  // §6: the app saw the card leave the reader; every session that card opened ends now.
  app.post('/api/handoff/session/:sessionId/card-removed', async (c) => {
    const cardSessionId = c.req.param('sessionId');
    const ended = await store.endSessionsOfCard(cardSessionId, clock(), 'kaart-verwijderd');
    await audit({ at: clock(), actor: 'app', action: 'session.card-removed', outcome: ended > 0 ? 'ok' : 'refused', detail: { ended } });
    return c.json({ outcome: 'ok', ended });
  });

  // ---- 4. the wait page, its status feed and the browser-code completion -----------------------

  const statusBody = (r: HandoffRecord) => {
    const state = stateOf(r);
    const code: ErrorCode | null =
      state === 'failed' ? r.errorCode : state === 'expired' ? 'ERR_PORTAL_HANDOFF_EXPIRED' : null;
    return { state, ...(code ? { code, message: ERROR_MESSAGES[code].nl } : {}) };
  };

  app.get('/handoff/:id/wait', async (c) => {
    // The browser code in ?bc= is read by the page script only; the server neither logs nor keeps it.
    const r = await ownHandoff(c, c.req.param('id'));
    if (typeof r === 'string') return refuse(c, r, true);
    // The address still holds bc until the script strips it: never send it on as a Referer.
    return c.html(waitPage({ requestId: r.id, purpose: r.purpose }), 200, { 'Referrer-Policy': 'no-referrer' });
  });

  app.get('/handoff/:id/status', async (c) => {
    const r = await ownHandoff(c, c.req.param('id'));
    if (typeof r === 'string') return refuse(c, r);
    return c.json(statusBody(r));
  });

  app.get('/handoff/:id/events', async (c) => {
    const id = c.req.param('id');
    const first = await ownHandoff(c, id);
    if (typeof first === 'string') return refuse(c, first);
    return streamSSE(c, async (stream) => {
      let wake: (() => void) | null = null;
      const onChange = () => wake?.();
      const set = listeners.get(id) ?? new Set();
      listeners.set(id, set);
      set.add(onChange);
      let aborted = false;
      stream.onAbort(() => {
        aborted = true;
        onChange();
      });
      try {
        let last = '';
        while (!closing) {
          const r = await store.getHandoff(id);
          if (!r) break;
          const body = statusBody(r);
          const text = JSON.stringify(body);
          if (text !== last) {
            await stream.writeSSE({ event: 'state', data: text });
            last = text;
          }
          if (TERMINAL.includes(body.state) || aborted || closing) break;
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
        set.delete(onChange);
        if (set.size === 0) listeners.delete(id);
      }
    });
  });

  app.post('/handoff/:id/complete', async (c) => {
    const id = c.req.param('id');
    if (foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
    const r = await ownHandoff(c, id);
    if (typeof r === 'string') {
      await audit({ at: clock(), actor: browserActor(c), action: 'handoff.complete', outcome: 'refused', requestId: id.slice(0, 32), code: r });
      return refuse(c, r);
    }
    if (r.purpose === 'enrol-user') {
      // No card and no token: the app fetched the QR once over the back-channel (state done); the
      // creator's browser (checked above) goes on to the result page.
      if (stateOf(r) !== 'done' || r.completedAt !== null || !(await store.updateHandoff(id, { completedAt: clock() }, ['done']))) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
      await audit({ at: clock(), actor: browserActor(c), action: 'handoff.complete.enrol-user', outcome: 'ok', requestId: id });
      return c.json({ outcome: 'ok', next: r.returnUrl });
    }
    if (stateOf(r) !== 'done' || r.completedAt !== null || !r.browserCodeHash || !r.holder) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
    const input = z.object({ bc: z.string().min(16).max(64) }).safeParse(await c.req.json().catch(() => null));
    const expected = fromBase64Url(r.browserCodeHash);
    const given = input.success ? hashBrowserCode(nodeSha256, input.data.bc) : null;
    if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      // The creator's browser with a wrong code: someone else's flow ended up here. Burn it.
      await store.updateHandoff(id, { state: 'failed', errorCode: 'ERR_PORTAL_BROWSER_CODE_INVALID' }, ['done']);
      notify(id);
      await audit({ at: clock(), actor: browserActor(c), action: 'handoff.complete', outcome: 'refused', requestId: id, code: 'ERR_PORTAL_BROWSER_CODE_INVALID' });
      return refuse(c, 'ERR_PORTAL_BROWSER_CODE_INVALID');
    }
    if (!(await store.updateHandoff(id, { completedAt: clock() }, ['done']))) return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_PENDING');
    if (r.purpose === 'login') {
      // A fresh session id at login: the anonymous one may have been seen by someone else.
      const old = c.get('session');
      if (old) await store.endSession(old.id, clock(), 'ingelogd');
      await newSession(c, 'login', r.holder, r.cardSessionId);
    }
    if (r.purpose === 'validate-organisation') {
      // Only now, with creator session and bc checked, may this browser see the card's data.
      await store.updateValidation(id, { state: 'card-verified', holder: r.holder, updatedAt: clock() }, ['handoff']);
    }
    await audit({ at: clock(), actor: `uzi:${r.holder.uziNumber}`, action: r.purpose === 'login' ? 'login' : `handoff.complete.${r.purpose}`, outcome: 'ok', requestId: id });
    return c.json({ outcome: 'ok', next: r.returnUrl });
  });

  app.get('/handoff/:id/done', async (c) => {
    const r = await store.getHandoff(c.req.param('id'));
    const s = c.get('session');
    if (r?.purpose === 'login' && liveSession(s) && s.kind === 'login' && s.cardSessionId === r.cardSessionId) return c.redirect('/ingelogd', 303);
    if (r?.purpose === 'enrol-user' && liveSession(s) && s.id === r.creatorSession) return c.redirect(`/beheer/inschrijving/${r.id}`, 303);
    if (r?.purpose === 'validate-organisation' && r.completedAt !== null && liveSession(s) && s.id === r.creatorSession) {
      return c.redirect(`/organisatie/validatie/${r.id}`, 303);
    }
    return refuse(c, r ? 'ERR_PORTAL_SESSION_MISMATCH' : 'ERR_PORTAL_HANDOFF_NOT_FOUND', true);
  });

  // ---- the logged-in page ---------------------------------------------------------------------

  app.get('/ingelogd', async (c) => {
    const s = c.get('session');
    if (liveSession(s) && s.kind === 'login' && s.mobileId) {
      const mobile = await store.getMobileId(s.mobileId);
      const memberships = mobile ? await store.listMemberships(mobile.personId) : [];
      const organisations = await Promise.all(
        memberships.map(async (m) => ({ ura: m.ura, role: m.role, name: (await store.getRegistration(m.ura))?.name ?? m.ura })),
      );
      return c.html(mobileLoggedInPage({ name: mobile?.name ?? '—', organisations }));
    }
    if (!liveSession(s) || s.kind !== 'login' || !s.holder) return c.redirect(`/?afgemeld=${s?.endReason === 'kaart-verwijderd' ? 'kaart-verwijderd' : 'sessie'}`, 303);
    return c.html(loggedInPage(s.holder));
  });

  app.get('/api/session', (c) => {
    const s = c.get('session');
    if (liveSession(s) && s.kind === 'login') return c.json({ active: true, holder: s.holder });
    return c.json({ active: false, reason: s?.endReason ?? null });
  });

  app.post('/uitloggen', async (c) => {
    if (foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
    const s = c.get('session');
    if (s) {
      await store.endSession(s.id, clock(), 'uitgelogd');
      if (s.holder) await audit({ at: clock(), actor: `uzi:${s.holder.uziNumber}`, action: 'logout', outcome: 'ok' });
      else if (s.mobileId) await audit({ at: clock(), actor: `mobiel:${s.mobileId}`, action: 'logout', outcome: 'ok' });
    }
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/?afgemeld=uitgelogd', 303);
  });

  // ---- organisation validation (manual §6), operator, Mobile App ------------------------------

  const routeContext: RouteContext = {
    app,
    store,
    clock,
    rng,
    origin: () => origin,
    appUrl,
    operatorToken: options.operatorToken ?? null,
    audit,
    refuse,
    ensureSession,
    liveSession,
    newSession,
    foreignOrigin,
    createHandoff,
    browserActor,
  };
  registerOperatorRoutes(routeContext);
  registerOrganisationRoutes(routeContext);
  registerMobileRoutes(routeContext);
  registerAdminRoutes(routeContext);
  registerSmartcardAdminRoutes(routeContext);
  registerSmartcardRoutes(routeContext, { validator, ca: smartcardCa });

  // ---- listen ---------------------------------------------------------------------------------

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  origin ||= url;

  return {
    url,
    origin,
    store,
    validator,
    async close() {
      closing = true;
      for (const set of listeners.values()) set.forEach((wakeStream) => wakeStream());
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SSE streams would keep close() waiting.
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}

