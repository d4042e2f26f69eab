// The app's loopback listener (handoff-protocol.md §2; RFC 8252 §7.3; AusweisApp's fixed port). Any
// page in any browser on this machine — and any local process — can reach it, so reachability proves
// nothing: every request is checked here, and the portal is asked over the back-channel whether the
// request is real. The browser only ever navigates here; it never reads an answer (no CORS, ever).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { HANDOFF_PROTOCOL_VERSION, HANDOFF_PURPOSES, toBase64Url, type HandoffPurpose, type HandoffRequest } from '@zorgid/protocol';
import { hashRequestId } from '../store/audit-record';
import type { AuditInput } from '../store/app-store';
import { DEFAULT_LOOPBACK_PORT } from '../store/app-settings';
import { errorPage } from './error-page';
import { HandoffIdSchema, type PortalClient } from './portal-client';
import { PortalOriginSchema } from '@zorgid/protocol';
import { guardConnections } from './connection-guard';
import { peerUserLookup, type PeerUsers } from './peer-user';

/**
 * Tried in order when the default is taken: on a terminal server every session's app holds one. The
 * portal page only needs the default; an app there sends another user's browser on to that user's own
 * port (peer-user.ts). 40 sessions per host.
 */
export const FALLBACK_LISTENER_PORTS: readonly number[] = Array.from({ length: 39 }, (_, i) => 24762 + i);
const LOOPBACK_HOST = '127.0.0.1';
/** Request line + headers (handoff-protocol.md §2). A real navigation here is well under 2 KiB. */
export const MAX_REQUEST_HEAD_BYTES = 8 * 1024;
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

export interface LoopbackListenerOptions {
  /** Default 24761 (DEFAULT_LOOPBACK_PORT; the setting); 0 lets the OS choose (tests). */
  port?: number;
  fallbackPorts?: readonly number[];
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  /** The current portal allowlist (setting), read per request. */
  allowlist: () => readonly string[];
  portal: Pick<PortalClient, 'getRequest'>;
  /**
   * Receives an accepted flow (the app window shows it). The flow counts as in flight — further
   * /handoff requests get 409 — until the returned promise settles, or at the latest until the request
   * expires (so a flow the UI dropped cannot block the listener). Returning nothing ends it at once.
   */
  onHandoff: (flow: HandoffFlow) => void | Promise<unknown>;
  /** One record per decision on a navigation; written before the browser gets its answer. */
  audit?: (entry: AuditInput) => void;
  /** What this app build can do; a request for anything else is refused before the card is touched. */
  purposes?: readonly HandoffPurpose[];
  /** Slowloris guard: the whole request head must arrive within this time. Default 5 s. */
  headersTimeoutMs?: number;
  /** Connections kept at once; above it the oldest idle or slow one is dropped (connection-guard.ts). */
  maxConnections?: number;
  /** Who holds the other end of a connection (peer-user.ts); default: what this OS tells, null = no check. */
  peerUsers?: PeerUsers | null;
}

export interface LoopbackListener {
  readonly port: number;
  address(): AddressInfo;
  busy(): boolean;
  close(): Promise<void>;
}

type Refusal = { status: number; code: ErrorCode };

const querySchema = z.strictObject({ portal: PortalOriginSchema, request: HandoffIdSchema });

function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'ERR_PORTAL_TIMEOUT':
      return 504;
    case 'ERR_PORTAL_UNREACHABLE':
    case 'ERR_PORTAL_BAD_RESPONSE':
      return 502;
    case 'ERR_HANDOFF_REQUEST_EXPIRED':
    case 'ERR_PORTAL_HANDOFF_EXPIRED':
      return 410;
    case 'ERR_PORTAL_HANDOFF_NOT_FOUND':
      return 404;
    case 'ERR_PORTAL_HANDOFF_NOT_PENDING':
      return 409;
    default:
      return code.startsWith('ERR_PORTAL_') ? 502 : 403;
  }
}

// Headers on every answer, refusals included. Never any Access-Control-*: no page may read us.
const BASE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};
const PAGE_HEADERS: Record<string, string> = {
  ...BASE_HEADERS,
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
};

function sendPage(res: ServerResponse, status: number, code: ErrorCode, extra: Record<string, string> = {}): void {
  const body = errorPage(code);
  res.writeHead(status, { ...PAGE_HEADERS, ...extra, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A raw HTTP answer for requests Node's parser refused before they became a request object. */
function rawAnswer(socket: Socket, status: number, reason: string, code: ErrorCode): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorPage(code);
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    ...Object.entries(PAGE_HEADERS).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ].join('\r\n');
  // Whatever else the client sends is not read: the socket goes once the answer is written.
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}

/**
 * Sec-Fetch-* (Fetch Metadata). A navigation from the portal's https page to http://127.0.0.1 is
 * `cross-site`, exactly like one from an attacker's page, so Sec-Fetch-Site cannot tell them apart:
 * that is the allowlist's, the back-channel's and the browser code's job. What it can tell: `same-origin`
 * means a page served by this listener made the request, and the listener serves none that links here,
 * so that is refused; `same-site` means a page on another 127.0.0.1 port, accepted only when the portal
 * itself is on 127.0.0.1 (the reference portal on a development machine); `none` (typed or pasted URL,
 * bookmark) is allowed — the person navigated.
 */
function fetchMetadataRefusal(req: IncomingMessage, portal: string | null): boolean {
  const dest = req.headers['sec-fetch-dest'];
  const mode = req.headers['sec-fetch-mode'];
  const site = req.headers['sec-fetch-site'];
  if (dest !== undefined && dest !== 'document') return true;
  if (mode !== undefined && mode !== 'navigate') return true;
  if (site === 'same-origin') return true;
  if (site === 'same-site' && portal !== null && !portal.startsWith(`http://${LOOPBACK_HOST}:`)) return true;
  return false;
}

function listenOn(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Explicit IPv4 loopback: never "localhost" (may resolve to ::1 or be remapped), never all interfaces.
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true });
  });
}

export async function startLoopbackListener(options: LoopbackListenerOptions): Promise<LoopbackListener> {
  const { clock, rng, allowlist, portal: portalClient, onHandoff, audit } = options;
  const purposes = new Set<HandoffPurpose>(options.purposes ?? HANDOFF_PURPOSES);
  const headersTimeoutMs = options.headersTimeoutMs ?? 5_000;
  const peerUsers = options.peerUsers === undefined ? peerUserLookup() : options.peerUsers;

  let boundPort = 0;
  /** The one flow in flight (reserved from the first check that passes until onHandoff settles). */
  let inFlight: { until: number; settled: boolean } | null = null;
  /** Request ids this listener accepted, with when they can be forgotten (the request has expired by then). */
  const usedIds = new Map<string, number>();

  const isBusy = (): boolean => inFlight !== null && !inFlight.settled && clock() < inFlight.until;

  function writeAudit(entry: AuditInput): void {
    audit?.(entry);
  }

  function rememberUsed(id: string, until: number): void {
    const now = clock();
    for (const [k, v] of usedIds) if (v <= now) usedIds.delete(k);
    usedIds.set(id, until);
  }

  async function handleHandoff(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // A Map, not an object: "?__proto__=…" or "?constructor=…" must be just unknown keys.
    const raw = new Map<string, string>();
    let duplicate = false;
    for (const [k, v] of url.searchParams) {
      if (raw.has(k)) duplicate = true;
      raw.set(k, v);
    }
    const parsed = duplicate ? null : querySchema.safeParse(Object.fromEntries(raw));
    const portalValue = raw.get('portal');
    const portalParam = portalValue !== undefined && PortalOriginSchema.safeParse(portalValue).success ? portalValue : null;
    if (fetchMetadataRefusal(req, portalParam)) return sendPage(res, 403, 'ERR_HANDOFF_NOT_NAVIGATION');

    const refuse = (r: Refusal, extra: Partial<AuditInput> = {}) => {
      try {
        writeAudit({ flow: 'loopback', step: 'navigate', outcome: 'refused', code: r.code, ...(portalParam ? { portal: portalParam } : {}), ...extra });
      } catch {
        // The refusal stands whether or not it could be logged.
      }
      sendPage(res, r.status, r.code);
    };

    if (!parsed || !parsed.success) return refuse({ status: 400, code: 'ERR_HANDOFF_BAD_QUERY' });
    const { portal, request: id } = parsed.data;
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
    let refusal: Refusal | null = null;
    let returnOrigin: string | null = null;
    try {
      returnOrigin = new URL(request.returnUrl).origin;
    } catch {
      returnOrigin = null;
    }
    // "Another portal's request": the portal we asked vouches for a request bound elsewhere.
    if (request.id !== id || request.origin !== portal || returnOrigin !== portal) {
      refusal = { status: 403, code: 'ERR_HANDOFF_REQUEST_MISMATCH' };
    } else if (!purposes.has(request.purpose) || (request.purpose === 'validate-organisation' && !request.ura)) {
      refusal = { status: 403, code: 'ERR_HANDOFF_PURPOSE_MISMATCH' };
    } else if (!(expiresAt > now)) {
      refusal = { status: 410, code: 'ERR_HANDOFF_REQUEST_EXPIRED' };
    }
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

  /**
   * Another OS user's browser (a terminal server, fast user switching): never this app's card or PIN
   * prompt. It is sent on, once, to the listener its own user's app holds, or refused with a page that
   * says so. True when the request was answered here.
   */
  function answeredOtherUser(req: IncomingMessage, res: ServerResponse, target: string): boolean {
    if (!peerUsers) return false;
    const owner = peerUsers.ownerOf({ remotePort: req.socket.remotePort ?? 0, localPort: boundPort });
    if (owner === null || owner === peerUsers.self) return false;
    try {
      writeAudit({ flow: 'loopback', step: 'navigate', outcome: 'refused', code: 'ERR_HANDOFF_OTHER_USER' });
    } catch {
      // The refusal stands whether or not it could be logged.
    }
    const theirs = peerUsers.listenerOf(owner, ports);
    if (theirs !== null && theirs !== boundPort && target.startsWith('/handoff?')) {
      res.writeHead(307, { ...BASE_HEADERS, Location: `http://${LOOPBACK_HOST}:${theirs}${target}`, 'Content-Length': '0', Connection: 'close' });
      res.end();
      return true;
    }
    sendPage(res, 403, 'ERR_HANDOFF_OTHER_USER', { Connection: 'close' });
    return true;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends Host: evil.example.
    const hosts = req.headersDistinct.host;
    if (!hosts || hosts.length !== 1 || hosts[0] !== `${LOOPBACK_HOST}:${boundPort}`) {
      return sendPage(res, 403, 'ERR_HANDOFF_HOST_FORBIDDEN', { Connection: 'close' });
    }
    const target = req.url ?? '';
    if (answeredOtherUser(req, res, target)) return;
    // Origin-form only ("/path?query"); absolute-form and "//host" are not something a browser sends here.
    if (!target.startsWith('/') || target.startsWith('//')) return sendPage(res, 404, 'ERR_HANDOFF_PATH_UNKNOWN');
    const url = new URL(target, `http://${LOOPBACK_HOST}:${boundPort}`);
    if (url.pathname !== '/handoff' && url.pathname !== '/status') return sendPage(res, 404, 'ERR_HANDOFF_PATH_UNKNOWN');
    // HEAD is refused too: a prefetch or link checker must not start a flow, and /status needs no HEAD.
    if (req.method !== 'GET') return sendPage(res, 405, 'ERR_HANDOFF_METHOD_NOT_ALLOWED', { Allow: 'GET', Connection: 'close' });
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
      // Never read: the connection closes after the answer.
      return sendPage(res, 400, 'ERR_HANDOFF_BODY_NOT_ALLOWED', { Connection: 'close' });
    }

    if (url.pathname === '/status') {
      if (fetchMetadataRefusal(req, null)) return sendPage(res, 403, 'ERR_HANDOFF_NOT_NAVIGATION');
      // Only that the app runs and which protocol it speaks. Not its version (fingerprinting for
      // a known bug) and not whether a flow is in flight (would tell a page the person is logging in
      // somewhere). No page can read this anyway (no CORS, Host check); it is for support and tests.
      const body = JSON.stringify({ app: 'zorgid-desktop', protocol: HANDOFF_PROTOCOL_VERSION });
      res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
      return;
    }
    void handleHandoff(req, res, url).catch(() => {
      if (!res.headersSent) sendPage(res, 500, 'ERR_INTERNAL');
      else res.destroy();
    });
  }

  const server = createServer(
    {
      maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
      headersTimeout: headersTimeoutMs,
      requestTimeout: headersTimeoutMs + 1_000,
      // Node only checks the two timeouts above on this interval (default 30 s).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
      keepAliveTimeout: 1_000,
      // We answer a missing Host ourselves (the same refusal page as a wrong one).
      requireHostHeader: false,
    },
    handle,
  );
  // Not server.maxConnections (it refuses the newest connection, the browser's during a flood).
  guardConnections(server, { max: options.maxConnections ?? 64 });
  server.timeout = headersTimeoutMs * 2;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'HPE_HEADER_OVERFLOW') return rawAnswer(socket, 431, 'Request Header Fields Too Large', 'ERR_HANDOFF_REQUEST_TOO_LARGE');
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return rawAnswer(socket, 408, 'Request Timeout', 'ERR_HANDOFF_REQUEST_TIMEOUT');
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    return rawAnswer(socket, 400, 'Bad Request', 'ERR_HANDOFF_BAD_QUERY');
  });

  const ports = [options.port ?? DEFAULT_LOOPBACK_PORT, ...(options.fallbackPorts ?? FALLBACK_LISTENER_PORTS)];
  let lastError: unknown = null;
  for (const port of ports) {
    try {
      await listenOn(server, port);
      lastError = null;
      break;
    } catch (err) {
      lastError = err;
      // Only "taken" moves on to the next port; anything else (EACCES, …) is the same on every port.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  if (lastError !== null || !server.listening) {
    throw new AppError('ERR_HANDOFF_LISTENER_UNAVAILABLE', { ports, reason: (lastError as NodeJS.ErrnoException | null)?.code ?? 'unknown' }, { cause: lastError });
  }
  // After binding, a socket-level error must not crash the app.
  server.on('error', () => {});
  boundPort = (server.address() as AddressInfo).port;

  return {
    port: boundPort,
    address: () => server.address() as AddressInfo,
    busy: isBusy,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
