// A port-level fake portal for the listener and portal-client tests: a real HTTP server on 127.0.0.1
// whose answer each test sets. The real reference portal (portal/) is tested on its own.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANDOFF_PROTOCOL_VERSION, toBase64Url, type HandoffRequest } from '@zorgid/protocol';

export type PortalHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FakePortal {
  origin: string;
  calls: { method: string; url: string; body: string }[];
  handler: PortalHandler;
  /** The request a well-behaved portal answers for `id`. */
  requestFor(id: string, overrides?: Partial<HandoffRequest>): HandoffRequest;
  /** Answers `GET /api/handoff/:id` with requestFor(id, overrides). */
  answerRequests(overrides?: Partial<HandoffRequest>): void;
  close(): Promise<void>;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function testId(n: number): string {
  return toBase64Url(new Uint8Array(16).fill(n));
}

export async function startFakePortal(now: () => number): Promise<FakePortal> {
  const sockets = new Set<import('node:net').Socket>();
  const fake: FakePortal = {
    origin: '',
    calls: [],
    handler: (_req, res) => json(res, 500, { outcome: 'refused', code: 'ERR_INTERNAL' }),
    requestFor(id, overrides = {}) {
      return {
        protocol: HANDOFF_PROTOCOL_VERSION,
        id,
        purpose: 'login',
        challenge: toBase64Url(new Uint8Array(32).fill(7)),
        origin: fake.origin,
        expiresAt: new Date(now() + 5 * 60_000).toISOString(),
        returnUrl: `${fake.origin}/handoff/${id}/done`,
        ...overrides,
      };
    },
    answerRequests(overrides = {}) {
      fake.handler = (req, res) => {
        const m = /^\/api\/handoff\/([^/]+)$/.exec(req.url ?? '');
        if (req.method !== 'GET' || !m) return json(res, 404, { outcome: 'refused', code: 'ERR_PORTAL_HANDOFF_NOT_FOUND' });
        json(res, 200, fake.requestFor(decodeURIComponent(m[1]!), overrides));
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      fake.calls.push({ method: req.method ?? '', url: req.url ?? '', body });
      fake.handler(req, res, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
