// The browser preview host: serves the built renderer on 127.0.0.1 and offers the IPC contract over
// HTTP (POST /api/invoke) and Server-Sent Events (GET /api/events). Same dispatcher, same handlers as
// the Electron host; see security.ts for who may call it.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { ContractHandlers, EventMap } from '../../shared/contract';
import { AppError, fail } from '../../shared/errors';
import { handleInvoke } from '../ipc/dispatch';
import { SECRET_META, SECURITY_HEADERS, checkApiCall, checkHost, type Refusal } from './security';

/** The bridge's { $bytes: [...] } (preview-bridge.ts) as a Uint8Array again, as Electron's IPC delivers it. */
function bytesFromTheWire(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length !== 1) return value;
  const bytes = (value as { $bytes?: unknown }).$bytes;
  if (!Array.isArray(bytes) || bytes.length > 1024 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return value;
  return Uint8Array.from(bytes as number[]);
}

export interface PreviewHostOptions {
  handlers: ContractHandlers;
  /** Card events; the listener gets a snapshot first (CardService.subscribe semantics). */
  subscribe: (listener: (event: EventMap['card:event']) => void) => () => void;
  /** The login screens' state (handoff:event); the listener gets every change. */
  subscribeHandoff?: (listener: (view: EventMap['handoff:event']) => void) => () => void;
  /** The Smartcard screen's state (smartcard:event); the listener gets every change. */
  subscribeSmartcard?: (listener: (view: EventMap['smartcard:event']) => void) => () => void;
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Injected by tests; otherwise 32 random bytes per start. */
  secret?: string;
  log?: (line: string) => void;
}

export interface PreviewHost {
  url: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const HEARTBEAT_MS = 15_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function refuse(res: ServerResponse, why: Refusal, log: (line: string) => void): void {
  log(`preview: refused request (${why})`);
  sendJson(res, 403, fail(new AppError('ERR_IPC_FORBIDDEN_SENDER', { why })));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new AppError('ERR_IPC_INVALID_INPUT', { why: 'body too large' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The contract's events as server-sent events, one stream per renderer, with a heartbeat. */
function openEventStream(req: IncomingMessage, res: ServerResponse, options: PreviewHostOptions, streams: Set<ServerResponse>): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write(': zorgid\n\n');
  streams.add(res);
  const unsubscribeCard = options.subscribe((event) => {
    res.write(`event: card:event\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const unsubscribeHandoff =
    options.subscribeHandoff?.((view) => {
      res.write(`event: handoff:event\ndata: ${JSON.stringify(view)}\n\n`);
    }) ?? (() => {});
  const unsubscribeSmartcard =
    options.subscribeSmartcard?.((view) => {
      res.write(`event: smartcard:event\ndata: ${JSON.stringify(view)}\n\n`);
    }) ?? (() => {});
  const unsubscribe = (): void => {
    unsubscribeCard();
    unsubscribeHandoff();
    unsubscribeSmartcard();
  };
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const stop = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  };
  req.on('close', stop);
  res.on('error', stop);
}

/** The built renderer's files, never outside `root`; index.html carries the per-start secret. */
async function serveAsset(root: string, servedIndex: string, urlPath: string, res: ServerResponse): Promise<void> {
  if (urlPath === '/' || urlPath === '/index.html') return send(res, 200, servedIndex, CONTENT_TYPES['.html']!);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return send(res, 400, 'Bad request', 'text/plain; charset=utf-8');
  }
  const file = normalize(join(root, decoded));
  if (!file.startsWith(root + sep) || decoded.includes('\0')) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable: Record<string, string> = decoded.startsWith('/assets/') ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : {};
    send(res, 200, await readFile(file), type, immutable);
  } catch {
    send(res, 404, 'Not found', 'text/plain; charset=utf-8');
  }
}

export async function startPreviewHost(options: PreviewHostOptions): Promise<PreviewHost> {
  const log = options.log ?? (() => {});
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const root = normalize(options.rendererDir);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const indexHtml = await readFile(join(root, 'index.html'), 'utf8').catch(() => {
    throw new Error(`preview: no built renderer in ${root} (run npm run build)`);
  });
  const servedIndex = indexHtml.replace('</head>', `  <meta name="${SECRET_META}" content="${secret}">\n  </head>`);

  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    // Only application/json: a cross-origin page cannot send it without a preflight we never answer.
    if (!/^application\/json(\s*;|$)/i.test(type)) return refuse(res, 'content-type', log);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req), bytesFromTheWire);
    } catch {
      return sendJson(res, 400, fail(new AppError('ERR_IPC_INVALID_INPUT', { why: 'not JSON' })));
    }
    const { channel, input } = (typeof body === 'object' && body !== null ? body : {}) as { channel?: unknown; input?: unknown };
    const result = await handleInvoke(channel, input, {
      handlers: options.handlers,
      senderVerified: true,
      log: (e) => log(`preview: ${e.channel} ${e.ok ? 'ok' : e.code} ${e.ms} ms`),
    });
    sendJson(res, 200, result);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const hostRefusal = checkHost(req.headers, port);
      if (hostRefusal) return refuse(res, hostRefusal, log);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/api/')) {
        const refusal = checkApiCall(req.headers, port, secret);
        if (refusal) return refuse(res, refusal, log);
        if (path === '/api/invoke' && req.method === 'POST') return invoke(req, res);
        if (path === '/api/events' && req.method === 'GET') return openEventStream(req, res, options, streams);
        return sendJson(res, 405, fail(new AppError('ERR_IPC_UNKNOWN_CHANNEL')));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8');
      return serveAsset(root, servedIndex, path, res);
    })().catch((err: unknown) => {
      log(`preview: request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, fail(err));
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    // Explicit IPv4 loopback: never "localhost" (may resolve to ::1 or be remapped) and never all interfaces.
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log(`preview: server error: ${err.message}`));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    secret,
    async close() {
      for (const stream of streams) stream.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
