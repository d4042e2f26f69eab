// The app's loopback listener (handoff-protocol.md §2; RFC 8252 §7.3; AusweisApp's fixed port). Any
// page in any browser on this machine — and any local process — can reach it, so reachability proves
// nothing: every request is checked here, and the portal is asked over the back-channel whether the
// request is real. The browser only ever navigates here; it never reads an answer (no CORS, ever).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANDOFF_PROTOCOL_VERSION, HANDOFF_PURPOSES, type HandoffPurpose } from '@zorgid/protocol';
import type { AuditInput } from '../store/app-store';
import { DEFAULT_LOOPBACK_PORT } from '../store/app-settings';
import { createHandoffRoute, type HandoffFlow } from './loopback-handoff';
import { BASE_HEADERS, LOOPBACK_HOST, bindFirstFree, createLoopbackServer, fetchMetadataRefusal, sendPage } from './loopback-http';
import type { PortalClient } from './portal-client';
import { peerUserLookup, type PeerUsers } from './peer-user';

export type { HandoffFlow } from './loopback-handoff';
export { MAX_REQUEST_HEAD_BYTES } from './loopback-http';

/**
 * Tried in order when the default is taken: on a terminal server every session's app holds one. The
 * portal page only needs the default; an app there sends another user's browser on to that user's own
 * port (peer-user.ts). 40 sessions per host.
 */
export const FALLBACK_LISTENER_PORTS: readonly number[] = Array.from({ length: 39 }, (_, i) => 24762 + i);
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

export async function startLoopbackListener(options: LoopbackListenerOptions): Promise<LoopbackListener> {
  const headersTimeoutMs = options.headersTimeoutMs ?? 5_000;
  const peerUsers = options.peerUsers === undefined ? await peerUserLookup() : options.peerUsers;
  const ports = [options.port ?? DEFAULT_LOOPBACK_PORT, ...(options.fallbackPorts ?? FALLBACK_LISTENER_PORTS)];
  let boundPort = 0;
  const writeAudit = (entry: AuditInput): void => options.audit?.(entry);
  const route = createHandoffRoute({
    clock: options.clock,
    rng: options.rng,
    allowlist: options.allowlist,
    portalClient: options.portal,
    onHandoff: options.onHandoff,
    writeAudit,
    purposes: new Set<HandoffPurpose>(options.purposes ?? HANDOFF_PURPOSES),
  });

  /**
   * Another OS user's browser (a terminal server, fast user switching): never this app's card or PIN
   * prompt. It is sent on, once, to the listener its own user's app holds, or refused with a page that
   * says so. True when the request was answered here.
   */
  async function answeredOtherUser(req: IncomingMessage, res: ServerResponse, target: string): Promise<boolean> {
    if (!peerUsers) return false;
    // A lookup that fails says nothing: the request goes on as on a single-user machine.
    const owner = await peerUsers.ownerOf({ remotePort: req.socket.remotePort ?? 0, localPort: boundPort }).catch(() => null);
    if (owner === null || owner === peerUsers.self) return false;
    try {
      writeAudit({ flow: 'loopback', step: 'navigate', outcome: 'refused', code: 'ERR_HANDOFF_OTHER_USER' });
    } catch {
      // The refusal stands whether or not it could be logged.
    }
    const theirs = await peerUsers.listenerOf(owner, ports).catch(() => null);
    if (theirs !== null && theirs !== boundPort && target.startsWith('/handoff?')) {
      res.writeHead(307, { ...BASE_HEADERS, Location: `http://${LOOPBACK_HOST}:${theirs}${target}`, 'Content-Length': '0', Connection: 'close' });
      res.end();
      return true;
    }
    sendPage(res, 403, 'ERR_HANDOFF_OTHER_USER', { Connection: 'close' });
    return true;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    void serve(req, res).catch(() => {
      if (!res.headersSent) sendPage(res, 500, 'ERR_INTERNAL');
      else res.destroy();
    });
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends Host: evil.example.
    const hosts = req.headersDistinct.host;
    if (!hosts || hosts.length !== 1 || hosts[0] !== `${LOOPBACK_HOST}:${boundPort}`) {
      return sendPage(res, 403, 'ERR_HANDOFF_HOST_FORBIDDEN', { Connection: 'close' });
    }
    const target = req.url ?? '';
    if (await answeredOtherUser(req, res, target)) return;
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
    await route.handle(req, res, url);
  }

  const server = createLoopbackServer(handle, { headersTimeoutMs, maxConnections: options.maxConnections ?? 64 });
  await bindFirstFree(server, ports);
  // After binding, a socket-level error must not crash the app.
  server.on('error', () => {});
  boundPort = (server.address() as AddressInfo).port;

  return {
    port: boundPort,
    address: () => server.address() as AddressInfo,
    busy: route.busy,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
