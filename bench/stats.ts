export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]): number => percentile(values, 50);

export function bench(name: string, value: number, unit: string, digits = 2): void {
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}
