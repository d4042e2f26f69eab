// The back-channel client against a real HTTP server on loopback (a port-level fake portal).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { buildHandoffToken } from '@zorgid/protocol';
import { createPortalClient, PORTAL_MAX_RESPONSE_BYTES, type PortalClient } from './portal-client';
import { json, startFakePortal, testId, type FakePortal } from './test-portal.fixture';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
let portal: FakePortal;
let client: PortalClient;
let allow: string[];

beforeEach(async () => {
  portal = await startFakePortal(() => T0);
  allow = [portal.origin];
  client = createPortalClient({ allowlist: () => allow, timeoutMs: 400 });
});

afterEach(async () => {
  await portal.close();
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
  return undefined;
}

const token = buildHandoffToken({
  purpose: 'login',
  browserCodeHash: new Uint8Array(32).fill(1),
  certificate: new Uint8Array(300).fill(2),
  signature: new Uint8Array(256).fill(3),
  appVersion: '0.1.0',
});

describe('portal client', () => {
  it('fetches and parses a handoff request', async () => {
    portal.answerRequests();
    const r = await client.getRequest(portal.origin, testId(1));
    expect(r).toEqual(portal.requestFor(testId(1)));
    expect(portal.calls).toEqual([{ method: 'GET', url: `/api/handoff/${testId(1)}`, body: '' }]);
  });

  it('talks only to allowlisted portals, and reads the allowlist on every call', async () => {
    portal.answerRequests();
    allow = ['https://portaal.example'];
    expect(await codeOf(client.getRequest(portal.origin, testId(1)))).toBe('ERR_HANDOFF_PORTAL_NOT_ALLOWED');
    expect(await codeOf(client.cardRemoved(portal.origin, testId(1)))).toBe('ERR_HANDOFF_PORTAL_NOT_ALLOWED');
    expect(portal.calls).toHaveLength(0);
    allow = [portal.origin];
    await client.getRequest(portal.origin, testId(1));
    expect(portal.calls).toHaveLength(1);
  });

  it('refuses an id that could change the URL path', async () => {
    expect(await codeOf(client.getRequest(portal.origin, '../../admin/x'))).toBe('ERR_HANDOFF_BAD_QUERY');
    expect(await codeOf(client.cancel(portal.origin, `${testId(1)}?x=1`))).toBe('ERR_HANDOFF_BAD_QUERY');
    expect(portal.calls).toHaveLength(0);
  });

  it('posts the token as the JSON body and returns the card session', async () => {
    portal.handler = (_req, res) => json(res, 200, { outcome: 'accepted', sessionId: testId(5) });
    expect(await client.postToken(portal.origin, testId(1), token)).toEqual({ sessionId: testId(5) });
    expect(portal.calls[0]).toMatchObject({ method: 'POST', url: `/api/handoff/${testId(1)}/token` });
    expect(JSON.parse(portal.calls[0]!.body)).toEqual(token);
  });

  it('passes the validator’s refusal code on (ERR_TOKEN_*)', async () => {
    portal.handler = (_req, res) => json(res, 400, { outcome: 'refused', code: 'ERR_TOKEN_SIGNATURE_INVALID', kind: 'fatal', message: '…' });
    expect(await codeOf(client.postToken(portal.origin, testId(1), token))).toBe('ERR_TOKEN_SIGNATURE_INVALID');
  });

  it('does not let a portal name a code outside its own groups', async () => {
    portal.handler = (_req, res) => json(res, 400, { outcome: 'refused', code: 'ERR_PIN_LOCKED' });
    expect(await codeOf(client.postToken(portal.origin, testId(1), token))).toBe('ERR_PORTAL_BAD_RESPONSE');
    portal.handler = (_req, res) => json(res, 400, { outcome: 'refused', code: 'ERR_MADE_UP' });
    expect(await codeOf(client.getRequest(portal.origin, testId(1)))).toBe('ERR_PORTAL_BAD_RESPONSE');
  });

  it('cancels a request and reports a removed card', async () => {
    portal.handler = (req, res) =>
      req.url!.endsWith('/cancel') ? json(res, 200, { outcome: 'cancelled' }) : json(res, 200, { outcome: 'ok', ended: 1 });
    await client.cancel(portal.origin, testId(1));
    expect(await client.cardRemoved(portal.origin, testId(2))).toEqual({ ended: 1 });
    expect(portal.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `POST /api/handoff/${testId(1)}/cancel`,
      `POST /api/handoff/session/${testId(2)}/card-removed`,
    ]);
  });

  it('maps an unreachable portal to ERR_PORTAL_UNREACHABLE (retry)', async () => {
    await portal.close();
    let thrown: unknown;
    try {
      await client.getRequest(portal.origin, testId(1));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'ERR_PORTAL_UNREACHABLE', kind: 'retry' });
    portal = await startFakePortal(() => T0);
  });

  it('gives up on a portal that does not answer with ERR_PORTAL_TIMEOUT', async () => {
    portal.handler = () => {};
    const started = Date.now();
    expect(await codeOf(client.getRequest(portal.origin, testId(1)))).toBe('ERR_PORTAL_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up on a portal that sends its headers and then trickles the body', async () => {
    portal.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{');
      const t = setInterval(() => (res.writableEnded ? clearInterval(t) : res.write(' ')), 50);
      res.on('close', () => clearInterval(t));
    };
    expect(await codeOf(client.getRequest(portal.origin, testId(1)))).toBe('ERR_PORTAL_TIMEOUT');
  });

  it.each([
    ['not JSON', (res: import('node:http').ServerResponse) => res.end('<html>')],
    ['a request with an extra field', (res: import('node:http').ServerResponse) => json(res, 200, { ...portal.requestFor(testId(1)), pin: '1234' })],
    ['a request with a bad challenge', (res: import('node:http').ServerResponse) => json(res, 200, portal.requestFor(testId(1), { challenge: 'short' }))],
    ['a redirect', (res: import('node:http').ServerResponse) => { res.writeHead(307, { Location: 'https://evil.example/' }); res.end(); }],
    ['a 500 without a code', (res: import('node:http').ServerResponse) => json(res, 500, { error: 'boom' })],
    ['an answer over 64 KiB', (res: import('node:http').ServerResponse) => res.end(`"${'x'.repeat(PORTAL_MAX_RESPONSE_BYTES)}"`)],
  ])('refuses %s with ERR_PORTAL_BAD_RESPONSE', async (_name, answer) => {
    portal.handler = (_req, res) => answer(res);
    expect(await codeOf(client.getRequest(portal.origin, testId(1)))).toBe('ERR_PORTAL_BAD_RESPONSE');
  });
});
