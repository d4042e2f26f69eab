// `npm run bench -- --compare old.json`: each figure of this run beside the same figure of an earlier
// results.json. Ratios (value / floor in the same run) are what to compare across runs on a busy
// machine; where a figure has one, the change is the ratio's, otherwise the value's.
import type { BenchResult } from './stats';

export interface FigureChange {
  name: string;
  unit: string;
  before: number | null;
  after: number | null;
  /** What the change is measured on: the ratio to the floor, or the raw value. */
  basis: 'ratio' | 'value';
  /** (after - before) / before; null when either side is missing or before is 0. */
  change: number | null;
}

export function parseResults(text: string): BenchResult[] {
  const data: unknown = JSON.parse(text);
  const list = Array.isArray(data) ? data : (data as { results?: unknown } | null)?.results;
  if (!Array.isArray(list)) throw new Error('not a bench results file: expected { results: [...] } or an array');
  return list.map((r: unknown, i) => {
    const o = r as Partial<BenchResult> | null;
    if (!o || typeof o.name !== 'string' || typeof o.value !== 'number' || typeof o.unit !== 'string') throw new Error(`result ${i}: needs name, value, unit`);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return { name: o.name, value: o.value, unit: o.unit, floor: num(o.floor), ratio: num(o.ratio) };
  });
}

export function compareResults(before: readonly BenchResult[], after: readonly BenchResult[]): FigureChange[] {
  const old = new Map(before.map((r) => [r.name, r]));
  const names = [...after.map((r) => r.name), ...before.map((r) => r.name).filter((n) => !after.some((r) => r.name === n))];
  const now = new Map(after.map((r) => [r.name, r]));
  return names.map((name) => {
    const b = old.get(name);
    const a = now.get(name);
    const basis = b?.ratio != null && a?.ratio != null ? 'ratio' : 'value';
    const pick = (r: BenchResult | undefined) => (r === undefined ? null : basis === 'ratio' ? r.ratio : r.value);
    const x = pick(b);
    const y = pick(a);
    return { name, unit: basis === 'ratio' ? 'x' : (a ?? b)!.unit, before: x, after: y, basis, change: x !== null && y !== null && x !== 0 ? (y - x) / x : null };
  });
}

export function formatChanges(changes: readonly FigureChange[]): string[] {
  const n = (v: number | null) => (v === null ? '—' : String(Number(v.toPrecision(4))));
  return changes.map((c) => {
    const pct = c.change === null ? (c.before === null ? 'new' : c.after === null ? 'gone' : '—') : `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`;
    return `COMPARE ${c.name} ${n(c.before)} -> ${n(c.after)} ${c.unit} (${c.basis}) ${pct}`;
  });
}
