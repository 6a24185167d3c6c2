import { describe, expect, it } from 'vitest';
import { confusionTotals, fmt, maskedRuns, meanSd, range, rowFractions, viridis } from '../src/logic/stats';

describe('confusion helpers', () => {
  const m = [[5, 1, 0], [2, 7, 1], [0, 0, 0]];
  it('sums rows, columns, total and diagonal', () => {
    expect(confusionTotals(m)).toEqual({ rows: [6, 10, 0], cols: [7, 8, 1], total: 16, correct: 12 });
  });
  it('gives each cell as a fraction of its true class, 0 in an empty row', () => {
    const f = rowFractions(m);
    expect(f[0][0]).toBeCloseTo(5 / 6);
    expect(f[1].reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(f[2]).toEqual([0, 0, 0]);
  });
});

describe('figures', () => {
  it('computes mean and sample sd (hand-computed: 2, 4, 4, 4, 5, 5, 7, 9 -> 5, sqrt(32/7))', () => {
    const r = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.mean).toBe(5);
    expect(r.sd).toBeCloseTo(Math.sqrt(32 / 7));
    expect(meanSd([3])).toEqual({ mean: 3, sd: 0 });
  });
  it('ranges finite values only and never returns an empty range', () => {
    expect(range([NaN, 2, -1, Infinity])).toEqual({ min: -1, max: 2 });
    expect(range([3, 3])).toEqual({ min: 3, max: 4 });
    expect(range([])).toEqual({ min: 0, max: 1 });
  });
  it('finds masked runs', () => {
    expect(maskedRuns([0, 1, 1, 0, 1])).toEqual([[1, 2], [4, 4]]);
    expect(maskedRuns([])).toEqual([]);
  });
  it('colours the ends of the scale with viridis', () => {
    expect(viridis(0)).toBe('rgb(68,1,84)');
    expect(viridis(1)).toBe('rgb(253,231,37)');
    expect(viridis(NaN)).toBe('rgb(68,1,84)');
  });
  it('formats numbers for tables', () => {
    expect(fmt(null)).toBe('–');
    expect(fmt(3)).toBe('3');
    expect(fmt(0.12345)).toBe('0.123');
  });
});
