// What the portal's route modules share with server.ts: the store, the injected clock and rng, the
// session helpers and the one way to refuse. Passed in, so the modules hold no state of their own.
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import type { UziHolder } from '@zorgid/uzi';
import type { ErrorCode } from './errors';
import type { HandoffPurpose } from '@zorgid/protocol';
import type { AuditEntry, HandoffRecord, PortalStore, SessionRecord } from './store/store';

// Bindings: what @hono/node-server passes (server.ts); absent when a test calls app.fetch directly.
export type Env = { Bindings: { incoming?: IncomingMessage }; Variables: { session: SessionRecord | null; sessionToken: string | null } };
export type PortalContext = Context<Env>;

export interface RouteContext {
  app: Hono<Env>;
  store: PortalStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  /** The portal origin (known once the server listens). */
  origin: () => string;
  /** Where ZORG-ID Desktop listens (loopback), for handoff links. */
  appUrl: string;
  /** null: the operator routes refuse everything. */
  operatorToken: string | null;
  audit(entry: AuditEntry): Promise<void>;
  refuse(c: PortalContext, code: ErrorCode, html?: boolean): Response;
  ensureSession(c: PortalContext): Promise<SessionRecord>;
  liveSession(s: SessionRecord | null): s is SessionRecord;
  newSession(c: PortalContext, kind: SessionRecord['kind'], holder: UziHolder | null, cardSessionId: string | null, mobileId?: string | null): Promise<SessionRecord>;
  foreignOrigin(c: PortalContext): boolean;
  createHandoff(c: PortalContext, purpose: HandoffPurpose, ura: string | null): Promise<HandoffRecord>;
  browserActor(c: PortalContext): string;
}
