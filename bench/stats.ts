export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]): number => percentile(values, 50);

/** One figure of a run, as bench/results.json keeps it. `floor`: the baseline measured beside it in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  floor: number | null;
  /** value / floor, when there is a floor. */
  ratio: number | null;
}

/** Every figure printed in this process, in order (bench/run.ts writes them to results.json). */
export const results: BenchResult[] = [];

export function bench(name: string, value: number, unit: string, digits = 2, floor?: number): void {
  const ratio = floor !== undefined && floor > 0 ? value / floor : null;
  results.push({ name, value, unit, floor: floor ?? null, ratio });
  const beside = floor === undefined ? '' : ` floor ${floor.toFixed(digits)} ${unit}${ratio === null ? '' : ` ratio ${ratio.toFixed(2)}x`}`;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}${beside}`);
}
