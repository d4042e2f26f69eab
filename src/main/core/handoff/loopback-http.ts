// The loopback listener's HTTP side: the headers every answer carries, the refusal page, answers to
// requests Node's parser refused, the Fetch Metadata rule, and binding the explicit IPv4 loopback on
// the first free port of a list. No flow logic here (loopback-handoff.ts, loopback-listener.ts).
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { guardConnections } from './connection-guard';
import { errorPage } from './error-page';

export const LOOPBACK_HOST = '127.0.0.1';
/** Request line + headers (handoff-protocol.md §2). A real navigation here is well under 2 KiB. */
export const MAX_REQUEST_HEAD_BYTES = 8 * 1024;

export type Refusal = { status: number; code: ErrorCode };

export function statusFor(code: ErrorCode): number {
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
export const BASE_HEADERS: Record<string, string> = {
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

export function sendPage(res: ServerResponse, status: number, code: ErrorCode, extra: Record<string, string> = {}): void {
  const body = errorPage(code);
  res.writeHead(status, { ...PAGE_HEADERS, ...extra, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A raw HTTP answer for requests Node's parser refused before they became a request object. */
export function rawAnswer(socket: Socket, status: number, reason: string, code: ErrorCode): void {
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
export function fetchMetadataRefusal(req: IncomingMessage, portal: string | null): boolean {
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

/** The HTTP server with the listener's limits: head size, slowloris timeouts, connection guard. */
export function createLoopbackServer(handle: RequestListener, options: { headersTimeoutMs: number; maxConnections: number }): Server {
  const { headersTimeoutMs } = options;
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
  guardConnections(server, { max: options.maxConnections });
  server.timeout = headersTimeoutMs * 2;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'HPE_HEADER_OVERFLOW') return rawAnswer(socket, 431, 'Request Header Fields Too Large', 'ERR_HANDOFF_REQUEST_TOO_LARGE');
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return rawAnswer(socket, 408, 'Request Timeout', 'ERR_HANDOFF_REQUEST_TIMEOUT');
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    return rawAnswer(socket, 400, 'Bad Request', 'ERR_HANDOFF_BAD_QUERY');
  });

  return server;
}

/** Binds the first port of `ports` that is free; only "taken" moves on (EACCES is the same on every port). */
export async function bindFirstFree(server: Server, ports: readonly number[]): Promise<void> {
  let lastError: unknown = null;
  for (const port of ports) {
    try {
      await listenOn(server, port);
      return;
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  throw new AppError('ERR_HANDOFF_LISTENER_UNAVAILABLE', { ports, reason: (lastError as NodeJS.ErrnoException | null)?.code ?? 'unknown' }, { cause: lastError });
}
