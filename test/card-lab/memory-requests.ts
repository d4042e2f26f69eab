// The validator's request port in memory, for tests: requests made on the spot, single use as the
// portal's store makes them.
import { randomBytes } from 'node:crypto';
import { toBase64Url } from '@zorgid/protocol';
import type { HandoffRequestPort, HandoffRequestView } from '@zorgid/validator';

export type MemoryRequests = HandoffRequestPort & { add(r?: Partial<HandoffRequestView>): HandoffRequestView; all: Map<string, HandoffRequestView> };

/** A login request of `origin` that expires 5 minutes after `now`, unless `add` says otherwise. */
export function memoryRequests(origin: string, now: number): MemoryRequests {
  const all = new Map<string, HandoffRequestView>();
  return {
    all,
    add(r = {}) {
      const req: HandoffRequestView = {
        id: toBase64Url(randomBytes(16)),
        purpose: 'login',
        challenge: toBase64Url(randomBytes(32)),
        origin,
        ura: null,
        expiresAt: now + 5 * 60_000,
        usedAt: null,
        ...r,
      };
      all.set(req.id, req);
      return req;
    },
    find: (id) => all.get(id) ?? null,
    markUsed(id, at) {
      const r = all.get(id);
      if (!r || r.usedAt !== null) return false;
      r.usedAt = at;
      return true;
    },
  };
}
