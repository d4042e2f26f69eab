// Keeps the benchmark runnable (a few tokens only) and prints the numbers for the report.
import { describe, expect, it } from 'vitest';
import { benchValidator } from './bench-validator';

describe('validator benchmark', () => {
  it('measures validator cost per token against a raw crypto.verify (warm cache)', async () => {
    const r = await benchValidator({ iterations: 30 });
    console.log(`validator ${r.validatorMsPerToken.toFixed(3)} ms/token (new card ${r.validatorNewCardMsPerToken.toFixed(3)} ms), raw verify ${r.rawVerifyMsPerToken.toFixed(3)} ms, ratio ${r.ratio.toFixed(1)}×`);
    expect(r.validatorMsPerToken).toBeGreaterThan(r.rawVerifyMsPerToken);
    expect(r.validatorMsPerToken).toBeLessThan(250);
  }, 60_000);
});
