import { describe, expect, it } from 'vitest';
import { median, percentile } from './stats';

describe('benchmark statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(median([5])).toBe(5);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });
});
