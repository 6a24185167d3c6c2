import { describe, expect, it } from 'vitest';
import { tickLabels } from '../src/logic/ticks';

describe('tickLabels', () => {
  it('writes counts of 10^4 in full, so no label is cut to "0,000"', () => {
    expect(tickLabels([0, 10000, 20000, 30000])).toEqual(['0', '10000', '20000', '30000']);
  });
  it('uses scientific notation for large and for tiny values, with just enough digits', () => {
    expect(tickLabels([0, 2e5, 4e5])).toEqual(['0', '2e+5', '4e+5']);
    expect(tickLabels([1e-17, 1.5e-17, 2e-17])).toEqual(['1.0e-17', '1.5e-17', '2.0e-17']);
  });
  it('takes the decimals from the step between ticks', () => {
    expect(tickLabels([0.5, 0.75, 1, 1.25])).toEqual(['0.50', '0.75', '1.00', '1.25']);
    expect(tickLabels([0.9, 1, 1.1])).toEqual(['0.9', '1.0', '1.1']);
    expect(tickLabels([-200, 0, 200])).toEqual(['-200', '0', '200']);
  });
  it('labels an all-zero axis and leaves non-finite ticks empty', () => {
    expect(tickLabels([0, 0])).toEqual(['0', '0']);
    expect(tickLabels([NaN, 1, 2])).toEqual(['', '1', '2']);
  });
});
