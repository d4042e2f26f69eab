// Handoff requests at the portal (docs/handoff-protocol.md): one is made for the browser's session,
// its state is read against the clock, and routes check one of two things before they act — the
// creator's browser (pages and status), or a request still open for the app (back-channel).
import type { ErrorCode } from './errors';
import { ERROR_MESSAGES } from './error-messages';
import { HANDOFF_PROTOCOL_VERSION, type HandoffRequest } from '@zorgid/protocol';
import type { PortalContext, RouteContext } from './route-context';
import type { HandoffRecord, HandoffState } from './store/store';

const HANDOFF_TTL_MS = 5 * 60_000;
export const TERMINAL: readonly HandoffState[] = ['done', 'failed', 'cancelled', 'expired'];
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export type HandoffDeps = Pick<RouteContext, 'store' | 'clock' | 'rng' | 'origin' | 'audit' | 'ensureSession' | 'liveSession' | 'browserActor'>;

export interface Handoffs {
  createHandoff: RouteContext['createHandoff'];
  /** The stored state, or expired once the clock passed a request still open. */
  stateOf(r: HandoffRecord): HandoffState;
  /** What the wait page reads: the state, and the Dutch message of a failure. */
  statusBody(r: HandoffRecord): { state: HandoffState; code?: ErrorCode; message?: string };
  /** The creator's browser only: every page and status call of a request checks this. */
  ownHandoff(c: PortalContext, id: string): Promise<HandoffRecord | ErrorCode>;
  /** A request the app may still act on: known, not expired, pending or card-read. */
  liveHandoff(id: string): Promise<HandoffRecord | ErrorCode>;
}

export function createHandoffs(deps: HandoffDeps): Handoffs {
  const { store, clock, rng, audit } = deps;

  const stateOf = (r: HandoffRecord): HandoffState =>
    (r.state === 'pending' || r.state === 'card-read') && clock() >= r.expiresAt ? 'expired' : r.state;

  async function createHandoff(c: PortalContext, purpose: HandoffRecord['purpose'], ura: string | null): Promise<HandoffRecord> {
    const session = await deps.ensureSession(c);
    const now = clock();
    const id = b64url(rng(16));
    const origin = deps.origin();
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
    await audit({ at: now, actor: deps.browserActor(c), action: 'handoff.create', outcome: 'ok', requestId: id, detail: { purpose: record.purpose, ...(ura ? { ura } : {}) } });
    return record;
  }

  return {
    createHandoff,
    stateOf,
    statusBody(r) {
      const state = stateOf(r);
      const code: ErrorCode | null = state === 'failed' ? r.errorCode : state === 'expired' ? 'ERR_PORTAL_HANDOFF_EXPIRED' : null;
      return { state, ...(code ? { code, message: ERROR_MESSAGES[code].nl } : {}) };
    },
    async ownHandoff(c, id) {
      const r = await store.getHandoff(id);
      if (!r) return 'ERR_PORTAL_HANDOFF_NOT_FOUND';
      const s = c.get('session');
      if (!deps.liveSession(s) || s.id !== r.creatorSession) return 'ERR_PORTAL_SESSION_MISMATCH';
      return r;
    },
    async liveHandoff(id) {
      const r = await store.getHandoff(id);
      if (!r) return 'ERR_PORTAL_HANDOFF_NOT_FOUND';
      const state = stateOf(r);
      if (state === 'expired') return 'ERR_PORTAL_HANDOFF_EXPIRED';
      if (state !== 'pending' && state !== 'card-read') return 'ERR_PORTAL_HANDOFF_NOT_PENDING';
      return r;
    },
  };
}

/** A handoff request as the app reads it (docs/handoff-protocol.md §3). */
export function handoffWire(r: HandoffRecord): HandoffRequest {
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
