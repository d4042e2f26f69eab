// Fuzz (issue 15 item 2): the loopback listener's request line, headers and query from random input
// over real HTTP. Every answer is a refusal (4xx) or the status page, never a 5xx, never a flow handed
// to the app, each within the 100 ms budget. The portal on the allowlist answers any request id, so a
// flow could only start from a well-formed navigation — which random input does not make.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_TEST_TIMEOUT_MS, fuzzParameters, typedOutcome } from '../../../../test/fuzz/fuzz-support';
import { startLoopbackListener, type HandoffFlow, type LoopbackListener } from './loopback-listener';
import { createPortalClient } from './portal-client';
import { startFakePortal, type FakePortal } from './test-portal.fixture';

let portal: FakePortal;
let listener: LoopbackListener;
const flows: HandoffFlow[] = [];

beforeAll(async () => {
  portal = await startFakePortal(Date.now);
  portal.answerRequests();
  const allow = () => [portal.origin];
  listener = await startLoopbackListener({
    port: 0,
    fallbackPorts: [],
    clock: Date.now,
    rng: (n) => new Uint8Array(n).fill(1),
    allowlist: allow,
    portal: createPortalClient({ allowlist: allow, timeoutMs: 500 }),
    onHandoff: (flow) => void flows.push(flow),
    headersTimeoutMs: 1_000,
  });
});
afterAll(async () => {
  await listener.close();
  await portal.close();
});

/** Sends raw bytes as one request and returns the status code of the answer (0: connection closed). */
function raw(bytes: string): Promise<number> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: listener.port });
    let answer = '';
    s.on('data', (d) => (answer += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    s.end(bytes, 'latin1');
    setTimeout(() => s.destroy(), 80).unref();
  });
}

const queryPart = fc.oneof(
  fc.string(),
  fc.constantFrom('portal', 'request', 'portal=', 'request=', '__proto__', '%00', '%zz', '&&', '=='),
  fc.webUrl().map((u) => `portal=${encodeURIComponent(u)}`),
);
const query = fc.array(queryPart, { maxLength: 6 }).map((parts) => parts.join('&'));
const path = fc.oneof(fc.constant('/handoff'), fc.constant('/status'), fc.string().map((s) => `/${s}`));
const header = fc.tuple(fc.constantFrom('Host', 'Sec-Fetch-Site', 'Sec-Fetch-Mode', 'Sec-Fetch-Dest', 'Origin', 'Content-Length', 'Transfer-Encoding', 'X-Any'), fc.string());

describe('loopback listener fuzz', () => {
  it(
    'random request lines, headers and queries: never a 5xx, never a flow',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'POST', 'HEAD', 'get', 'G ET'), path, query, fc.array(header, { maxLength: 5 }), fc.boolean(), async (method, p, q, headers, ownHost) => {
          const lines = [`${method} ${p}${q ? `?${q}` : ''} HTTP/1.1`, ...(ownHost ? [`Host: 127.0.0.1:${listener.port}`] : []), ...headers.map(([k, v]) => `${k}: ${v}`)];
          const outcome = await typedOutcome('loopback request', () => raw(`${lines.join('\r\n')}\r\n\r\n`), { pure: false });
          const status = (outcome as { value: number }).value;
          expect(status >= 500, `status ${status} for ${JSON.stringify(lines)}`).toBe(false);
          expect(flows).toEqual([]);
        }),
        fuzzParameters(),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
