// Token buckets for the portal's anonymous routes: one bucket per client address and one for all
// clients together, per class of route. The clock is passed in (tests step it); nothing here reads
// the time itself.
import { z } from 'zod';

/** `capacity` requests at once, refilled at `perMinute` per minute. */
export const tokenBucketSchema = z.strictObject({
  capacity: z.number().int().min(1).max(1_000_000),
  perMinute: z.number().positive().max(6_000_000),
});
export type TokenBucket = z.infer<typeof tokenBucketSchema>;

export const rateLimitSchema = z.strictObject({ perClient: tokenBucketSchema, global: tokenBucketSchema });
export type RateLimit = z.infer<typeof rateLimitSchema>;

/**
 * session: `GET /` and `POST /api/login-qr` (each makes a session and/or a login QR row);
 * handoff: `POST /api/handoff`, `POST /organisatie/valideren` (a handoff row, a validation row);
 * mobile: `/api/mobile/*` (enrolment-code redemption, login confirmation, ID status);
 * operator: `/operator`, `/api/operator/*` (guesses at the operator token);
 * back-channel: the app's calls on one request or Smartcard (`/api/handoff/:id/*`, `/api/smartcard/*`)
 * and the wait page's completion: each refusal there is an audit row.
 */
export const RATE_LIMIT_CLASSES = ['session', 'handoff', 'mobile', 'operator', 'back-channel'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];
export type RateLimits = Record<RateLimitClass, RateLimit>;

export const rateLimitsSchema = z.strictObject(Object.fromEntries(RATE_LIMIT_CLASSES.map((k) => [k, rateLimitSchema.optional()])) as Record<RateLimitClass, z.ZodOptional<typeof rateLimitSchema>>);

// Generous: one person clicks a few times a minute; a ward behind one NAT address stays well inside
// the per-client bucket, and the global one keeps a flood from many addresses out of the store.
export const DEFAULT_RATE_LIMITS: RateLimits = {
  session: { perClient: { capacity: 120, perMinute: 60 }, global: { capacity: 2_000, perMinute: 1_000 } },
  handoff: { perClient: { capacity: 60, perMinute: 30 }, global: { capacity: 1_000, perMinute: 500 } },
  mobile: { perClient: { capacity: 120, perMinute: 60 }, global: { capacity: 2_000, perMinute: 1_000 } },
  operator: { perClient: { capacity: 20, perMinute: 10 }, global: { capacity: 200, perMinute: 100 } },
  'back-channel': { perClient: { capacity: 600, perMinute: 600 }, global: { capacity: 6_000, perMinute: 6_000 } },
};

/** Client buckets kept at most; beyond that the least recently used address is forgotten. */
const MAX_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one token from the client's and the global bucket, or neither. */
  take(limitClass: RateLimitClass, client: string): RateDecision;
}

function refill(bucket: Bucket, spec: TokenBucket, now: number): Bucket {
  // A clock that steps back refills nothing (and takes nothing away).
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(spec.capacity, bucket.tokens + (elapsed * spec.perMinute) / 60_000), at: Math.max(bucket.at, now) };
}

/** Whole seconds until the bucket holds one token again (Retry-After, RFC 9110 §10.2.3). */
const secondsUntilToken = (bucket: Bucket, spec: TokenBucket) => Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / spec.perMinute));

export function createRateLimiter(options: { clock: () => number; limits?: Partial<RateLimits> }): RateLimiter {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...rateLimitsSchema.parse(options.limits ?? {}) } as RateLimits;
  const global = new Map<RateLimitClass, Bucket>();
  const clients = new Map<string, Bucket>();

  return {
    take(limitClass, client) {
      const now = options.clock();
      const spec = limits[limitClass];
      const key = `${limitClass} ${client}`;
      const own = refill(clients.get(key) ?? { tokens: spec.perClient.capacity, at: now }, spec.perClient, now);
      const all = refill(global.get(limitClass) ?? { tokens: spec.global.capacity, at: now }, spec.global, now);
      const ok = own.tokens >= 1 && all.tokens >= 1;
      if (ok) {
        own.tokens -= 1;
        all.tokens -= 1;
      }
      // Re-inserted so the Map's order is least recently used first.
      clients.delete(key);
      clients.set(key, own);
      global.set(limitClass, all);
      if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value!);
      if (ok) return { ok: true };
      const waits = [own.tokens < 1 ? secondsUntilToken(own, spec.perClient) : 0, all.tokens < 1 ? secondsUntilToken(all, spec.global) : 0];
      return { ok: false, retryAfterSeconds: Math.max(...waits) };
    },
  };
}
