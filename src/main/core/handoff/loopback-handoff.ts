// GET /handoff on the loopback listener (handoff-protocol.md §2–§3): the query, the allowlist, reuse and
// busy checks, the back-channel question to the portal, and the 303 to the portal's wait page with a
// fresh browser code. One flow at a time: the slot is reserved from the first check that passes
// until the app's flow settles, or at the latest until the request expires.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { PortalOriginSchema, toBase64Url, type HandoffPurpose, type HandoffRequest } from '@zorgid/protocol';
import { hashRequestId } from '../store/audit-record';
import type { AuditInput } from '../store/app-store';
import { BASE_HEADERS, fetchMetadataRefusal, sendPage, statusFor, type Refusal } from './loopback-http';
import { HandoffIdSchema, type PortalClient } from './portal-client';

/** A flow the app never finishes frees the listener after this long (the portal's request lives 5 min). */
const MAX_FLOW_MS = 10 * 60 * 1000;

export interface HandoffFlow {
  /** The allowlisted portal origin the browser named and the portal confirmed. */
  portal: string;
  request: HandoffRequest;
  /** The one-time browser code `bc` (base64url of 16 random bytes) the browser got in the 303. */
  browserCode: string;
  acceptedAt: number;
}

export interface HandoffRouteDeps {
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  allowlist: () => readonly string[];
  portalClient: Pick<PortalClient, 'getRequest'>;
  onHandoff: (flow: HandoffFlow) => void | Promise<unknown>;
  writeAudit: (entry: AuditInput) => void;
  purposes: ReadonlySet<HandoffPurpose>;
}

export interface HandoffRoute {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  busy(): boolean;
}

const querySchema = z.strictObject({ portal: PortalOriginSchema, request: HandoffIdSchema });

/** The query as the browser sent it: a Map, so "?__proto__=…" is just an unknown key; a repeated key fails. */
function parseQuery(url: URL) {
  const raw = new Map<string, string>();
  let duplicate = false;
  for (const [k, v] of url.searchParams) {
    if (raw.has(k)) duplicate = true;
    raw.set(k, v);
  }
  const parsed = duplicate ? null : querySchema.safeParse(Object.fromEntries(raw));
  const portalValue = raw.get('portal');
  const portalParam = portalValue !== undefined && PortalOriginSchema.safeParse(portalValue).success ? portalValue : null;
  return { parsed: parsed?.success ? parsed.data : null, portalParam };
}

/** What the portal vouched for must be what the browser named, for a purpose this app does, not expired. */
function requestRefusal(request: HandoffRequest, id: string, portal: string, purposes: ReadonlySet<HandoffPurpose>, now: number): Refusal | null {
  let returnOrigin: string | null = null;
  try {
    returnOrigin = new URL(request.returnUrl).origin;
  } catch {
    returnOrigin = null;
  }
  // "Another portal's request": the portal we asked vouches for a request bound elsewhere.
  if (request.id !== id || request.origin !== portal || returnOrigin !== portal) return { status: 403, code: 'ERR_HANDOFF_REQUEST_MISMATCH' };
  if (!purposes.has(request.purpose) || (request.purpose === 'validate-organisation' && !request.ura)) return { status: 403, code: 'ERR_HANDOFF_PURPOSE_MISMATCH' };
  if (!(Date.parse(request.expiresAt) > now)) return { status: 410, code: 'ERR_HANDOFF_REQUEST_EXPIRED' };
  return null;
}

export function createHandoffRoute(deps: HandoffRouteDeps): HandoffRoute {
  const { clock, rng, allowlist, portalClient, onHandoff, writeAudit, purposes } = deps;
  /** The one flow in flight (reserved from the first check that passes until onHandoff settles). */
  let inFlight: { until: number; settled: boolean } | null = null;
  /** Request ids this listener accepted, with when they can be forgotten (the request has expired by then). */
  const usedIds = new Map<string, number>();
  const isBusy = (): boolean => inFlight !== null && !inFlight.settled && clock() < inFlight.until;

  function rememberUsed(id: string, until: number): void {
    const now = clock();
    for (const [k, v] of usedIds) if (v <= now) usedIds.delete(k);
    usedIds.set(id, until);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { parsed, portalParam } = parseQuery(url);
    if (fetchMetadataRefusal(req, portalParam)) return sendPage(res, 403, 'ERR_HANDOFF_NOT_NAVIGATION');

    const refuse = (r: Refusal, extra: Partial<AuditInput> = {}) => {
      try {
        writeAudit({ flow: 'loopback', step: 'navigate', outcome: 'refused', code: r.code, ...(portalParam ? { portal: portalParam } : {}), ...extra });
      } catch {
        // The refusal stands whether or not it could be logged.
      }
      sendPage(res, r.status, r.code);
    };

    if (!parsed) return refuse({ status: 400, code: 'ERR_HANDOFF_BAD_QUERY' });
    const { portal, request: id } = parsed;
    const idHash = { requestIdHash: hashRequestId(id) };
    if (!allowlist().includes(portal)) return refuse({ status: 403, code: 'ERR_HANDOFF_PORTAL_NOT_ALLOWED' }, idHash);
    const usedUntil = usedIds.get(id);
    if (usedUntil !== undefined && usedUntil > clock()) return refuse({ status: 409, code: 'ERR_HANDOFF_REQUEST_REUSED' }, idHash);
    if (isBusy()) return refuse({ status: 409, code: 'ERR_HANDOFF_BUSY' }, idHash);

    // Reserve the slot before the back-channel call, so two navigations cannot both get through it.
    const slot = { until: clock() + MAX_FLOW_MS, settled: false };
    inFlight = slot;
    const release = () => {
      slot.settled = true;
    };

    let request: HandoffRequest;
    try {
      request = await portalClient.getRequest(portal, id);
    } catch (err) {
      release();
      const code: ErrorCode = err instanceof AppError ? err.code : 'ERR_INTERNAL';
      return refuse({ status: statusFor(code), code }, idHash);
    }

    const now = clock();
    const expiresAt = Date.parse(request.expiresAt);
    const refusal = requestRefusal(request, id, portal, purposes, now);
    if (refusal) {
      release();
      return refuse(refusal, { ...idHash, purpose: request.purpose });
    }

    const browserCode = toBase64Url(rng(16));
    const flow: HandoffFlow = { portal, request, browserCode, acceptedAt: now };
    slot.until = Math.min(expiresAt, now + MAX_FLOW_MS);
    try {
      writeAudit({ flow: 'loopback', step: 'navigate', outcome: 'ok', portal, purpose: request.purpose, ...idHash });
    } catch {
      // Nothing happens that is not in the audit log.
      release();
      return sendPage(res, 500, 'ERR_STORE_UNAVAILABLE');
    }
    rememberUsed(id, expiresAt);
    const location = `${portal}/handoff/${encodeURIComponent(id)}/wait?bc=${browserCode}`;
    res.writeHead(303, { ...BASE_HEADERS, Location: location, 'Content-Length': '0' });
    res.end();

    try {
      const done = onHandoff(flow);
      if (done && typeof (done as Promise<unknown>).then === 'function') (done as Promise<unknown>).then(release, release);
      else release();
    } catch {
      release();
    }
  }


  return { handle, busy: isBusy };
}
