import { describe, expect, it } from 'vitest';
import { compareResults, formatChanges, parseResults } from './compare';
import type { BenchResult } from './stats';

const r = (name: string, value: number, floor: number | null = null, unit = 'ms'): BenchResult => ({ name, value, unit, floor, ratio: floor ? value / floor : null });

describe('comparing two bench runs', () => {
  it('compares ratios where both runs measured a floor, values otherwise', () => {
    const changes = compareResults([r('sign', 4, 2), r('renderer', 100, null, 'KB')], [r('sign', 3, 2), r('renderer', 110, null, 'KB')]);
    expect(changes[0]).toMatchObject({ name: 'sign', basis: 'ratio', before: 2, after: 1.5, change: -0.25, unit: 'x' });
    expect(changes[1]).toMatchObject({ name: 'renderer', basis: 'value', before: 100, after: 110, unit: 'KB' });
    expect(changes[1]!.change).toBeCloseTo(0.1);
  });

  it('a machine twice as slow in both paths shows no change', () => {
    expect(compareResults([r('sign', 4, 2)], [r('sign', 8, 4)])[0]!.change).toBe(0);
  });

  it('names figures that are new or gone', () => {
    const lines = formatChanges(compareResults([r('old', 1)], [r('fresh', 2)]));
    expect(lines).toEqual(['COMPARE fresh — -> 2 ms (value) new', 'COMPARE old 1 -> — ms (value) gone']);
  });

  it('reads results.json and refuses what is not one', () => {
    expect(parseResults(JSON.stringify({ results: [r('a', 1, 2)] }))).toEqual([{ name: 'a', value: 1, unit: 'ms', floor: 2, ratio: 0.5 }]);
    expect(parseResults(JSON.stringify([{ name: 'a', value: 1, unit: 'ms' }]))[0]).toMatchObject({ floor: null, ratio: null });
    expect(() => parseResults('{"x":1}')).toThrow(/not a bench results file/);
    expect(() => parseResults('[{"name":"a"}]')).toThrow(/result 0/);
  });

  it('prints the change in percent with its sign', () => {
    expect(formatChanges(compareResults([r('sign', 4, 2)], [r('sign', 5, 2)]))).toEqual(['COMPARE sign 2 -> 2.5 x (ratio) +25.0%']);
  });
});
