// Fuzz (issue 15 item 2): every IPC channel with random input, as a compromised renderer could send it.
// The dispatcher must answer each with a Result whose error is one of our closed codes: never a throw,
// never ERR_INTERNAL (an untyped error escaping a handler), within the 100 ms budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, DEMO_CARDS } from '../../shared/contract';
import { isErrorCode } from '../../shared/errors';
import { FUZZ_TEST_TIMEOUT_MS, fuzzParameters, typedOutcome } from '../../../test/fuzz/fuzz-support';
import { createDemoCardService } from '../core/demo/demo-card-service';
import { placeholderDemoCards } from '../core/demo/demo-cards';
import { memorySettingsService } from '../core/policy/policy-settings';
import { createHandlers } from '../handlers';
import { handleInvoke } from './dispatch';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const card = createDemoCardService({ cards: placeholderDemoCards(NOW), clock: () => NOW, readDelayMs: 0 });
const handlers = createHandlers({
  card,
  settings: memorySettingsService(),
  info: { name: 'ZORG-ID Desktop', version: '0.1.0', mode: 'demo', demoBackend: 'in-process', platform: 'linux' },
  demo: card,
});

/** Random values, and objects shaped like the contract's inputs with random field values. */
const FIELDS = ['reader', 'card', 'fresh', 'language', 'pkcs11ModulePath', 'portalAllowlist', 'loopbackPort', 'pin', 'pinRepeat', 'uziPin', 'requestId', 'uziReader', 'blankReader', 'scenario', '__proto__', 'constructor'];
const input = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.anything(), fc.constantFrom(...DEMO_CARDS), fc.integer({ min: -1, max: 3 }), fc.string())),
);

describe('IPC fuzz', () => {
  it(
    'every channel answers random input with a Result and a closed error code',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...CHANNELS), input, async (channel, value) => {
          const outcome = await typedOutcome(`ipc ${channel}`, () => handleInvoke(channel, value, { handlers, senderVerified: true }), { pure: false });
          expect(outcome.ok).toBe(true);
          const result = (outcome as { value: { ok: boolean; error?: { code: unknown } } }).value;
          if (!result.ok) {
            expect(isErrorCode(result.error?.code), String(result.error?.code)).toBe(true);
            expect(result.error?.code, `${channel} let an untyped error escape`).not.toBe('ERR_INTERNAL');
          }
        }),
        fuzzParameters(),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
