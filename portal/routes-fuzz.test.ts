// Fuzz (issue 15 item 2): every state-changing route of the portal, its forms and JSON routes, with
// random bodies and path parameters from a same-origin browser (so the CSRF rule lets them through to
// the handlers). Every answer is a 2xx–4xx with our error shape, never a 5xx, within the 100 ms budget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_TEST_TIMEOUT_MS, fuzzParameters, typedOutcome } from '../test/fuzz/fuzz-support';
import type { RateLimits } from './rate-limit';
import { createPortal, type Portal } from './server';
import { LAB_VALID_AT, labCrls, labTrust, loadLab } from '../test/card-lab/lab-tokens';

const POST_ROUTES = [
  '/api/handoff', '/api/handoff/:id/cancel', '/api/handoff/:id/progress', '/api/handoff/session/:id/card-removed', '/api/handoff/:id/token',
  '/api/login-qr', '/api/login-qr/complete', '/api/mobile/enrol', '/api/mobile/id-status', '/api/mobile/login', '/api/mobile/login-prompt',
  '/api/operator/registrations', '/api/smartcard/:id/activate', '/api/smartcard/:id/certify', '/handoff/:id/complete', '/operator',
  '/organisatie/validatie/:id/bevestigen', '/organisatie/validatie/:id/code', '/organisatie/validatie/:id/geboortedatum', '/organisatie/valideren',
  '/uitloggen', '/beheer/gebruikers', '/api/beheer/gebruikers', '/beheer/gebruikers/bestaand', '/api/beheer/smartcards/:id/:id', '/beheer/smartcards/:id/:id',
];
const FIELDS = ['code', 'purpose', 'ura', 'token', 'csr', 'mobileId', 'signature', 'confirmCode', 'birthDate', 'zorgidId', 'requestId', 'step', 'state', 'name', 'email', 'role', '__proto__'];

const unlimited = { perClient: { capacity: 1_000_000, perMinute: 6_000_000 }, global: { capacity: 1_000_000, perMinute: 6_000_000 } };
const rateLimits = { session: unlimited, handoff: unlimited, mobile: unlimited, operator: unlimited, 'back-channel': unlimited } satisfies RateLimits;

let dir: string;
let portal: Portal;
beforeAll(async () => {
  const pki = await loadLab();
  dir = mkdtempSync(join(tmpdir(), 'zorgid-routes-fuzz-'));
  const now = LAB_VALID_AT.getTime();
  portal = await createPortal({ dbPath: join(dir, 'portal.sqlite'), trust: { ...labTrust(pki), crls: labCrls(pki) }, clock: () => now, rateLimits });
}, 60_000);
afterAll(async () => {
  await portal?.close();
  rmSync(dir, { recursive: true, force: true });
});

const param = fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 30 }), fc.constantFrom('..', '%2e%2e', '0', 'A'.repeat(22)));
const jsonBody = fc.oneof(
  fc.json(),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }))).map((o) => JSON.stringify(o)),
  fc.string(),
);
const formBody = fc.dictionary(fc.constantFrom(...FIELDS), fc.string()).map((o) => new URLSearchParams(o).toString());
const body = fc.oneof(
  jsonBody.map((b) => ({ type: 'application/json', b })),
  formBody.map((b) => ({ type: 'application/x-www-form-urlencoded', b })),
  fc.string().map((b) => ({ type: 'text/plain', b })),
);

const seen = new Set<number>();
afterAll(() => console.log(`FUZZ portal statuses seen: ${[...seen].sort().join(' ')}`));

describe('portal routes fuzz', () => {
  it(
    'random bodies and parameters on every POST route: never a 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...POST_ROUTES), fc.array(param, { minLength: 2, maxLength: 2 }), body, async (route, params, { type, b }) => {
          let i = 0;
          const path = route.replace(/:id/g, () => encodeURIComponent(params[i++ % 2]!));
          const outcome = await typedOutcome(
            `POST ${route}`,
            () => fetch(new URL(path, portal.url), { method: 'POST', headers: { 'Content-Type': type, Origin: new URL(portal.url).origin, 'Sec-Fetch-Site': 'same-origin' }, body: b, redirect: 'manual' }).then(async (r) => ({ status: r.status, text: await r.text() })),
            { pure: false },
          );
          const { status, text } = (outcome as { value: { status: number; text: string } }).value;
          seen.add(status);
          expect(status < 500, `${status} for POST ${path} (${type}) ${b.slice(0, 80)}: ${text.slice(0, 200)}`).toBe(true);
        }),
        fuzzParameters(),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
