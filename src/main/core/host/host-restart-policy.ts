// How often the card host may be restarted: at most `max` restarts within `windowMs`, each after a
// backoff that doubles from `backoffMs` up to `maxBackoffMs`.
export interface RestartPolicy {
  max: number;
  windowMs: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { max: 5, windowMs: 60_000, backoffMs: 200, maxBackoffMs: 3_000 };

/**
 * Records a restart at `now` in `restarts` (the times of the restarts still within the window) and
 * returns the delay before the next start, or undefined once the host is to be given up.
 */
export function recordRestart(restarts: number[], policy: RestartPolicy, now: number): number | undefined {
  while (restarts.length && now - restarts[0]! > policy.windowMs) restarts.shift();
  restarts.push(now);
  if (restarts.length > policy.max) return undefined;
  return Math.min(policy.backoffMs * 2 ** (restarts.length - 1), policy.maxBackoffMs);
}
