// Test support for the fuzz properties (issue 15 item 2): how many runs, the 100 ms budget, and the
// mutations of real DER that fast-check draws from (flipped bytes, truncations, wrong lengths and
// tags, BER re-encodings, inserted and removed bytes).
import fc from 'fast-check';
import { AppError } from '../../src/shared/errors';
import { derProblem } from '@zorgid/uzi';
import { elementPaths, parseDerTree, reencode } from './der-mutations';

/** Runs per property: small in `npm test`, set by `npm run fuzz -- --runs N` for the long run. */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 200) || 200);
/** Every input is allowed 100 ms; the test as a whole gets that per run plus a margin. */
export const INPUT_BUDGET_MS = 100;
export const FUZZ_TEST_TIMEOUT_MS = 60_000 + FUZZ_RUNS * INPUT_BUDGET_MS;

export const fuzzParameters = (): fc.Parameters<unknown> => ({
  numRuns: FUZZ_RUNS,
  // fast-check prints the seed and the shrunk counter-example; FUZZ_SEED replays a failure.
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

export type Outcome = { ok: true; value: unknown } | { ok: false; error: AppError };

/**
 * Runs `fn` and fails the property on an exception that is not our AppError, or on taking longer
 * than the budget. Returns the value or the AppError for the property's own checks.
 * Slow means slow in wall time and in this process's CPU time (a busy 2-core machine only stretches
 * the first); a pure `fn` is then timed twice more and fails only when every try was slow, so a GC
 * pause is not taken for a slow input.
 */
export async function typedOutcome(what: string, fn: () => unknown, options: { pure?: boolean } = { pure: true }): Promise<Outcome> {
  const first = await timed(what, fn);
  if (first.ms > INPUT_BUDGET_MS && options.pure) {
    for (let i = 0; i < 2 && first.ms > INPUT_BUDGET_MS; i++) first.ms = Math.min(first.ms, (await timed(what, fn)).ms);
  }
  if (first.ms > INPUT_BUDGET_MS) throw new Error(`${what} took ${first.ms.toFixed(0)} ms (budget ${INPUT_BUDGET_MS} ms)`);
  return first.outcome;
}

async function timed(what: string, fn: () => unknown): Promise<{ outcome: Outcome; ms: number }> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await fn() };
  } catch (err) {
    if (!(err instanceof AppError)) throw new Error(`${what} threw an untyped ${describe(err)}`, { cause: err });
    outcome = { ok: false, error: err };
  }
  const wall = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return { outcome, ms: Math.min(wall, (cpu.user + cpu.system) / 1000) };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name}: ${err.message}` : `value: ${String(err)}`;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function replaceAt(der: Uint8Array, at: number, remove: number, insert: number[]): Uint8Array {
  return Uint8Array.from([...der.subarray(0, at), ...insert, ...der.subarray(at + remove)]);
}

/** Offsets of every element's tag byte and first length byte, to aim at the structure itself. */
function headerOffsets(der: Uint8Array): { tag: number; length: number }[] {
  const out: { tag: number; length: number }[] = [];
  const walk = (at: number, end: number, depth: number) => {
    while (at < end && depth < 40) {
      const first = der[at + 1]!;
      const n = first & 0x80 ? first & 0x7f : 0;
      let len = first & 0x80 ? 0 : first;
      for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i]!;
      out.push({ tag: at, length: at + 1 });
      const contentStart = at + 2 + n;
      if (der[at]! & 0x20) walk(contentStart, contentStart + len, depth + 1);
      at = contentStart + len;
    }
  };
  walk(0, der.length, 0);
  return out;
}

/** One mutation of `der` (strict DER, e.g. a lab certificate); the result may equal `der` only by chance. */
export function mutatedDer(der: Uint8Array): fc.Arbitrary<Uint8Array> {
  const headers = headerOffsets(der);
  const paths = elementPaths(parseDerTree(der));
  const at = fc.nat({ max: der.length - 1 });
  const header = fc.constantFrom(...headers);
  return fc.oneof(
    fc.tuple(at, fc.integer({ min: 1, max: 255 })).map(([i, x]) => replaceAt(der, i, 1, [der[i]! ^ x])),
    fc.tuple(at, fc.integer({ min: 0, max: 7 })).map(([i, bit]) => replaceAt(der, i, 1, [der[i]! ^ (1 << bit)])),
    at.map((n) => der.slice(0, n)),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, b]) => replaceAt(der, i, 0, [...b])),
    fc.tuple(at, fc.integer({ min: 1, max: 8 })).map(([i, n]) => replaceAt(der, i, n, [])),
    fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b) => Uint8Array.from([...der, ...b])),
    // Wrong lengths and tags, at element headers.
    fc.tuple(header, fc.integer({ min: 0, max: 255 })).map(([h, v]) => replaceAt(der, h.length, 1, [v])),
    fc.tuple(header, fc.integer({ min: -3, max: 3 })).map(([h, d]) => replaceAt(der, h.length, 1, [(der[h.length]! + d) & 0xff])),
    fc.tuple(header, fc.integer({ min: 0, max: 255 })).map(([h, v]) => replaceAt(der, h.tag, 1, [v])),
    // The same value written the BER way: the attack verifyChain and the validator once let through.
    fc.tuple(fc.constantFrom(...paths), fc.constantFrom('indefinite' as const, 'non-minimal' as const)).map(([p, form]) => reencode(der, p, form)),
  );
}

/** Mostly one mutation; sometimes a second on top of a first that kept the bytes strict DER. */
export function mutatedDerDeep(der: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: mutatedDer(der) },
    { weight: 1, arbitrary: mutatedDer(der).chain((once) => (once.length > 0 && derProblem(once) === null ? mutatedDer(once) : fc.constant(once))) },
  );
}

/** Random bytes, and random bytes inside a plausible SEQUENCE header so the parsers go deeper. */
export const randomDer: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((body) => {
    const len = body.length < 128 ? [body.length] : body.length < 256 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
    return Uint8Array.from([0x30, ...len, ...body]);
  }),
);
