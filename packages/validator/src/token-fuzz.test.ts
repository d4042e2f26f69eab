// Fuzz properties (issue 15 item 2) for the handoff token validator: random tokens, and real lab
// tokens with a mutated certificate (DER), mutated base64 text or a mutated JSON body. A property
// fails on an exception that is not our ValidatorError, on a token that takes over 100 ms, and on a
// mutated token that is accepted. `npm run fuzz -- --runs N` runs these with N inputs per property.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HandoffToken } from '@zorgid/protocol';
import type { CardLabPki } from '../../../test/card-lab/pki';
import { FUZZ_TEST_TIMEOUT_MS, fuzzParameters, mutatedDerDeep, randomDer, typedOutcome } from '../../../test/fuzz/fuzz-support';
import { memoryRequests } from '../../../test/card-lab/memory-requests';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../../../test/card-lab/lab-tokens';
import { createValidator, type HandoffRequestView, type TokenValidator } from './index';

const ORIGIN = 'https://portaal.zorgid.test';
let pki: CardLabPki;
let validator: TokenValidator;
let requests: ReturnType<typeof memoryRequests>;
let leaf: Uint8Array;

beforeAll(async () => {
  pki = await loadLab();
  requests = memoryRequests(ORIGIN, LAB_VALID_AT.getTime());
  validator = createValidator({ ...labTrust(pki), crls: labCrls(pki), clock: () => LAB_VALID_AT.getTime(), requests });
  leaf = new Uint8Array(pki.cards['Z-huisarts'].auth!.certDer);
}, 60_000);

/** A fresh request (tokens are single use) and the real token for it. */
function freshToken(): { req: HandoffRequestView; token: HandoffToken } {
  const req = requests.add({});
  return { req, token: signLabToken({ pki, card: 'Z-huisarts', request: req, browserCode: newBrowserCode() }) };
}

/** Validates within the budget with only ValidatorError thrown; true when the token was accepted. */
async function accepted(body: unknown, req: HandoffRequestView): Promise<boolean> {
  // Not pure: the first try uses the request up, so a slow token is not timed again.
  const outcome = await typedOutcome('validate', () => validator.validate(body, { requestId: req.id, origin: ORIGIN }), { pure: false });
  return outcome.ok;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.';

/** A change to one character of a base64 field: replaced, removed or inserted. */
const textMutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'remove', 'insert'),
  ch: fc.constantFrom(...B64),
});
function mutateText(text: string, m: { at: number; kind: string; ch: string }): string {
  const i = m.at % (text.length + 1);
  if (m.kind === 'insert') return text.slice(0, i) + m.ch + text.slice(i);
  if (m.kind === 'remove') return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i) + m.ch + text.slice(i + 1);
}

describe('token validator under fuzzing', () => {
  it('accepts an unmutated lab token (the control)', async () => {
    const { req, token } = freshToken();
    expect(await accepted(JSON.stringify(token), req)).toBe(true);
  });

  it('never accepts a token whose certificate DER was mutated', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDerDeep(leaf), async (der) => {
        const { req, token } = freshToken();
        const body = JSON.stringify({ ...token, certificate: Buffer.from(der).toString('base64') });
        if (Buffer.from(der).equals(Buffer.from(leaf))) return;
        if (await accepted(body, req)) throw new Error(`accepted a mutated certificate: ${Buffer.from(der).toString('base64')}`);
      }),
      fuzzParameters(),
    );
  });

  it('never accepts a token with a changed certificate, signature or browserCodeHash text', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const field = fc.constantFrom('certificate' as const, 'signature' as const, 'browserCodeHash' as const);
    await fc.assert(
      fc.asyncProperty(field, textMutation, async (name, m) => {
        const { req, token } = freshToken();
        const changed = mutateText(token[name]!, m);
        if (changed === token[name]) return;
        if (await accepted(JSON.stringify({ ...token, [name]: changed }), req)) throw new Error(`accepted ${name} changed to ${JSON.stringify(changed)}`);
      }),
      fuzzParameters(),
    );
  });

  it('refuses mutated JSON bodies with ValidatorError only, within 100 ms', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 0xffff }), async (at, code) => {
        const { req, token } = freshToken();
        const text = JSON.stringify(token);
        const i = at % text.length;
        const body = text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
        if (body === text) return;
        // Changing appVersion or format letters in place may leave a valid token; only types matter here.
        await accepted(body, req);
      }),
      fuzzParameters(),
    );
  });

  it('refuses random tokens and random certificates with ValidatorError only, within 100 ms', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const randomBody = fc.oneof(fc.string({ maxLength: 12_000 }), fc.uint8Array({ maxLength: 12_000 }), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(randomBody, randomDer, async (body, der) => {
        expect(await accepted(body, freshToken().req)).toBe(false);
        const { req, token } = freshToken();
        const b64 = Buffer.from(der).toString('base64');
        expect(await accepted(JSON.stringify({ ...token, certificate: b64, intermediates: [b64] }), req)).toBe(false);
      }),
      fuzzParameters(),
    );
  });
});
