// The token buckets on their own, on a stepped clock: what http-guard.test.ts relies on over HTTP.
import { describe, expect, it } from 'vitest';
import { createRateLimiter, DEFAULT_RATE_LIMITS } from './rate-limit';

const bucket = (capacity: number, perMinute: number) => ({ capacity, perMinute });

describe('rate limiter', () => {
  it('takes from the client and the global bucket together, or from neither', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ clock: () => now, limits: { handoff: { perClient: bucket(1, 60), global: bucket(2, 60) } } });
    expect(limiter.take('handoff', 'a')).toEqual({ ok: true });
    // a is empty: its refusal must not spend a global token that b needs.
    expect(limiter.take('handoff', 'a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('handoff', 'a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('handoff', 'b')).toEqual({ ok: true });
    expect(limiter.take('handoff', 'c')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(limiter.take('handoff', 'c')).toEqual({ ok: true });
  });

  it('keeps classes apart', () => {
    const limiter = createRateLimiter({ clock: () => 0, limits: { handoff: { perClient: bucket(1, 1), global: bucket(10, 1) } } });
    expect(limiter.take('handoff', 'a').ok).toBe(true);
    expect(limiter.take('handoff', 'a').ok).toBe(false);
    expect(limiter.take('mobile', 'a').ok).toBe(true);
  });

  it('refills nothing when the clock steps back, and never beyond capacity', () => {
    let now = 10 * 60_000;
    const limiter = createRateLimiter({ clock: () => now, limits: { mobile: { perClient: bucket(2, 60), global: bucket(100, 60) } } });
    expect(limiter.take('mobile', 'a').ok).toBe(true);
    expect(limiter.take('mobile', 'a').ok).toBe(true);
    now -= 5 * 60_000;
    expect(limiter.take('mobile', 'a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 60 * 60_000;
    expect([1, 2, 3].map(() => limiter.take('mobile', 'a').ok)).toEqual([true, true, false]);
  });

  it('refuses nonsense limits at start-up', () => {
    expect(() => createRateLimiter({ clock: () => 0, limits: { handoff: { perClient: bucket(0, 1), global: bucket(1, 1) } } })).toThrow();
    expect(() => createRateLimiter({ clock: () => 0, limits: { handoff: { perClient: bucket(1, -1), global: bucket(1, 1) } } })).toThrow();
  });

  it('keeps its defaults above what one person or ward needs, with the global bucket above the client one', () => {
    for (const spec of Object.values(DEFAULT_RATE_LIMITS)) {
      expect(spec.perClient.capacity).toBeGreaterThanOrEqual(20);
      expect(spec.global.capacity).toBeGreaterThan(spec.perClient.capacity);
    }
  });
});
