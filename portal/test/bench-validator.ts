// Validator cost per token with a warm cache, against one raw RSA `crypto.verify` (the floor: every
// token needs at least that). For `npm run bench` (bench/ can import `benchValidator`) and its test.
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { toBase64Url } from '@zorgid/protocol';
import type { CardLabPki } from '../../test/card-lab/pki';
import { createValidator, type HandoffRequestView } from '@zorgid/validator';
import { LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../../test/card-lab/lab-tokens';

export interface ValidatorBench {
  iterations: number;
  /** Caches warm; the same card again (chain remembered). */
  validatorMsPerToken: number;
  /** Caches warm but the chain built anew each time (a card the portal has not seen yet). */
  validatorNewCardMsPerToken: number;
  rawVerifyMsPerToken: number;
  /** validator / raw verify */
  ratio: number;
}

const ORIGIN = 'https://portaal.zorgid.test';

export async function benchValidator(options: { iterations?: number; rounds?: number; pki?: CardLabPki } = {}): Promise<ValidatorBench> {
  const iterations = options.iterations ?? 200;
  // The validator and the raw verify take turns, so that load from elsewhere on a busy box hits both
  // alike; each figure is the median of its rounds.
  const rounds = options.rounds ?? 1;
  const pki = options.pki ?? (await loadLab());
  const warm = await preparedValidator(pki, iterations * rounds, 1000);
  const newCard = await preparedValidator(pki, iterations, 0);

  const auth = pki.cards['Z-huisarts'].auth!;
  const publicKey = createPublicKey({ key: auth.spkiDer, format: 'der', type: 'spki' });
  const privateKey = createPrivateKey({ key: auth.keyPkcs8Der, format: 'der', type: 'pkcs8' });
  const data = randomBytes(32);
  const sig = sign('sha256', data, privateKey);
  const raw: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t1 = performance.now();
    for (let i = 0; i < iterations; i++) verify('sha256', data, publicKey, sig);
    raw.push((performance.now() - t1) / iterations);
    ours.push(await warm.time(iterations));
  }
  const rawMs = median(raw);
  const warmMs = median(ours);
  return { iterations, validatorMsPerToken: warmMs, validatorNewCardMsPerToken: await newCard.time(iterations), rawVerifyMsPerToken: rawMs, ratio: warmMs / rawMs };
}

// Its own median: bench/stats.ts is outside the portal's walls (test/boundaries.test.ts).
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A validator with `count` signed tokens ready (signing is not timed); `time(n)` validates the next n. */
async function preparedValidator(pki: CardLabPki, count: number, chainCacheSize: number): Promise<{ time(n: number): Promise<number> }> {
  const now = LAB_VALID_AT.getTime();
  const requests = new Map<string, HandoffRequestView>();
  const validator = createValidator({
    ...labTrust(pki),
    crls: labCrls(pki),
    clock: () => now,
    chainCacheSize,
    requests: {
      find: (id) => requests.get(id) ?? null,
      markUsed: (id, at) => {
        const r = requests.get(id);
        if (!r || r.usedAt !== null) return false;
        r.usedAt = at;
        return true;
      },
    },
  });

  // Every token answers its own request (single use); signing happens outside the timed part.
  const tokens: Array<{ id: string; body: string }> = [];
  for (let i = 0; i < count + 1; i++) {
    const req: HandoffRequestView = {
      id: toBase64Url(randomBytes(16)),
      purpose: 'login',
      challenge: toBase64Url(randomBytes(32)),
      origin: ORIGIN,
      ura: null,
      expiresAt: now + 300_000,
      usedAt: null,
    };
    requests.set(req.id, req);
    tokens.push({ id: req.id, body: JSON.stringify(signLabToken({ pki, card: 'Z-huisarts', request: req, browserCode: newBrowserCode() })) });
  }
  // Warm the caches (CRLs parsed and verified, issuer parsed).
  const first = tokens.shift()!;
  await validator.validate(first.body, { requestId: first.id, origin: ORIGIN });

  return {
    async time(n) {
      const slice = tokens.splice(0, n);
      const t0 = performance.now();
      for (const t of slice) await validator.validate(t.body, { requestId: t.id, origin: ORIGIN });
      return (performance.now() - t0) / slice.length;
    },
  };
}
