// The reference ZORG-ID Portaal: Hono on Node's HTTP server, bound to 127.0.0.1. It implements the
// portal side of docs/handoff-protocol.md (request, back-channel, token, wait page, browser code,
// card removal) and the landing page of portal-rules.md §3.
//
// This file is the composition root: it builds the store, the validator, sessions and handoffs, then
// mounts the route modules (routes/) in order, and listens.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { createHandoffEvents } from './handoff-events';
import { createHandoffs } from './handoffs';
import { registerOidcClientRoutes } from './oidc/client-admin-routes';
import { accountIdOf, loginKeyOf, registerOidcInteractionRoutes } from './oidc/interaction-routes';
import { createOidcListener } from './oidc/mount';
import { createOidc, type Oidc } from './oidc/oidc';
import { createPortalValidator } from './portal-validator';
import { createRateLimiter, type RateLimits } from './rate-limit';
import { refuse } from './refusal';
import type { Env, RouteContext } from './route-context';
import { registerAdminRoutes } from './routes/admin-routes';
import { registerHandoffAppRoutes } from './routes/handoff-app-routes';
import { registerHandoffCreateRoutes, registerHandoffPageRoutes } from './routes/handoff-routes';
import { registerLoginRoutes, registerSessionRoutes } from './routes/login-routes';
import { registerMobileRoutes } from './routes/mobile-routes';
import { registerOperatorRoutes } from './routes/operator-routes';
import { registerOrganisationRoutes } from './routes/organisation-routes';
import { registerPortalMiddleware } from './routes/portal-middleware';
import { registerSmartcardAdminRoutes } from './routes/smartcard-admin-routes';
import { registerSmartcardRoutes } from './routes/smartcard-routes';
import { registerStaticRoutes } from './routes/static-routes';
import { createSessions } from './sessions';
import { createSmartcardCa, type SmartcardCaConfig } from './smartcard-ca';
import { openSqliteStore } from './store/sqlite-store';
import type { PortalStore } from './store/store';
import type { CrlSource, IdentityPort, OcspConfig, TokenValidator } from '@zorgid/validator';

export const DEFAULT_PORTAL_PORT = 24780;
export const DEFAULT_APP_URL = 'http://127.0.0.1:24761';

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
  /** The OpenID Provider under /oidc (docs/oidc.md). */
  oidc: Oidc;
  close(): Promise<void>;
}

export async function createPortal(options: PortalOptions): Promise<Portal> {
  const clock = options.clock ?? Date.now;
  const rng = options.rng ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const appUrl = (options.appUrl ?? DEFAULT_APP_URL).replace(/\/$/, '');
  const store = openSqliteStore(options.dbPath);
  // Filled in once the server listens (the port may be 0).
  let origin = options.origin ?? '';
  const portalOrigin = () => origin;
  const smartcardCa = options.smartcardCa ? await createSmartcardCa(options.smartcardCa) : null;
  const validator = createPortalValidator({ trust: options.trust, identity: options.identity, clock, store, smartcardCa, autoEnrol: options.autoEnrolUsers ?? true });

  const audit = (entry: Parameters<PortalStore['audit']>[0]) => store.audit(entry);
  const sessions = createSessions({ store, clock, rng, origin: portalOrigin });
  const handoffs = createHandoffs({ store, clock, rng, origin: portalOrigin, audit, ...sessions });
  const events = createHandoffEvents();
  const oidc = createOidc({
    store: store.oidc,
    clock,
    rng,
    origin: portalOrigin,
    audit,
    endPortalSession: (cookie) => sessions.endFromCookieHeader(cookie, 'uitgelogd'),
    portalAccount: async (cookie) => {
      const s = await sessions.loginFromCookieHeader(cookie);
      return s ? accountIdOf({ store }, s) : null;
    },
  });
  const app = new Hono<Env>();
  const ctx: RouteContext = {
    app,
    store,
    clock,
    rng,
    origin: portalOrigin,
    appUrl,
    operatorToken: options.operatorToken ?? null,
    audit,
    refuse,
    ensureSession: sessions.ensureSession,
    liveSession: sessions.liveSession,
    newSession: sessions.newSession,
    foreignOrigin: sessions.foreignOrigin,
    createHandoff: handoffs.createHandoff,
    browserActor: sessions.browserActor,
  };

  registerPortalMiddleware(ctx, { sessions, rateLimits: options.rateLimits });
  registerStaticRoutes(app);
  registerLoginRoutes(ctx);
  registerHandoffCreateRoutes(ctx, { handoffs, events });
  registerHandoffAppRoutes(ctx, { handoffs, events, validator, onCardRemoved: oidc.loginEnded });
  registerHandoffPageRoutes(ctx, { handoffs, events });
  registerSessionRoutes(ctx, sessions, (s) => oidc.loginEnded(loginKeyOf(s)));
  registerOperatorRoutes(ctx);
  registerOrganisationRoutes(ctx);
  registerMobileRoutes(ctx);
  registerAdminRoutes(ctx);
  registerSmartcardAdminRoutes(ctx);
  registerSmartcardRoutes(ctx, { validator, ca: smartcardCa });
  registerOidcInteractionRoutes(ctx, oidc);
  registerOidcClientRoutes(ctx, oidc);

  const oidcListener = createOidcListener(oidc, createRateLimiter({ clock, limits: options.rateLimits }));
  const server = await listen(app, options.port ?? 0, oidcListener);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  origin ||= url;

  return {
    url,
    origin,
    store,
    validator,
    oidc,
    async close() {
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SSE streams would keep close() waiting.
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}

function listen(app: Hono<Env>, port: number, before: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<Server> {
  const hono = getRequestListener(app.fetch);
  return new Promise<Server>((resolve, reject) => {
    // The OpenID Provider's paths go to oidc-provider (Koa) before Hono reads the request.
    const s = createServer((req, res) => {
      if (!before(req, res)) void hono(req, res);
    });
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}
