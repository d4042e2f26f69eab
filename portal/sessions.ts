// Browser sessions: a random cookie whose SHA-256 is the session id in the store (a leaked database
// holds no usable session), the rule for a live session, and the origin check of state-changing calls.
import { createHash } from 'node:crypto';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';
import type { UziHolder } from '@zorgid/uzi';
import type { PortalContext, RouteContext } from './route-context';
import type { PortalStore, SessionRecord } from './store/store';

const SESSION_TTL_MS = 8 * 60 * 60_000;
const COOKIE = 'zorgid_portaal';

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export interface SessionDeps {
  store: PortalStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  /** The portal origin (known once the server listens). */
  origin: () => string;
}

export interface Sessions extends Pick<RouteContext, 'newSession' | 'liveSession' | 'ensureSession' | 'foreignOrigin' | 'browserActor'> {
  /** Puts the cookie's session (or null) on the request, before any route runs. */
  loadSession(c: PortalContext): Promise<void>;
  hasSessionCookie(c: PortalContext): boolean;
  dropCookie(c: PortalContext): void;
  /** Ends the session of the cookie in this Cookie header (a logout at the OpenID Provider, oidc/); true if one ended. */
  endFromCookieHeader(header: string | undefined, reason: string): Promise<boolean>;
  /** The live login session of the cookie in this Cookie header, if any (the OpenID Provider's check). */
  loginFromCookieHeader(header: string | undefined): Promise<SessionRecord | null>;
}

export function createSessions(deps: SessionDeps): Sessions {
  const { store, clock, rng } = deps;

  async function newSession(c: PortalContext, kind: SessionRecord['kind'], holder: UziHolder | null, cardSessionId: string | null, mobileId: string | null = null) {
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
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', secure: deps.origin().startsWith('https:') });
    c.set('session', record);
    c.set('sessionToken', token);
    return record;
  }

  const liveSession = (s: SessionRecord | null): s is SessionRecord => !!s && s.endedAt === null && clock() < s.expiresAt;

  return {
    newSession,
    liveSession,
    async ensureSession(c) {
      const s = c.get('session');
      return liveSession(s) ? s : newSession(c, 'anonymous', null, null);
    },
    /** State-changing browser calls must come from our own pages (login CSRF, drive-by requests). */
    foreignOrigin(c) {
      const o = c.req.header('origin');
      return o !== undefined && o !== deps.origin();
    },
    browserActor: (c) => `browser:${(c.get('session')?.id ?? 'none').slice(0, 12)}`,
    async loadSession(c) {
      const token = getCookie(c, COOKIE) ?? null;
      c.set('sessionToken', token);
      c.set('session', token ? await store.getSession(sha256Hex(token)) : null);
    },
    hasSessionCookie: (c) => getCookie(c, COOKIE) !== undefined,
    dropCookie: (c) => deleteCookie(c, COOKIE, { path: '/' }),
    async loginFromCookieHeader(header) {
      const token = header ? parse(header, COOKIE)[COOKIE] : undefined;
      const s = token ? await store.getSession(sha256Hex(token)) : null;
      return liveSession(s) && s.kind === 'login' ? s : null;
    },
    async endFromCookieHeader(header, reason) {
      const token = header ? parse(header, COOKIE)[COOKIE] : undefined;
      return token ? store.endSession(sha256Hex(token), clock(), reason) : false;
    },
  };
}
