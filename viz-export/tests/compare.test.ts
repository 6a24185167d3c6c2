import { describe, expect, it } from 'vitest';
import type { CompareStage, CompareVariant } from '../src/data/types';
import { bestIndex, comparedStages, figureColumns, meanSdText } from '../src/logic/compare';

function variant(over: Partial<CompareVariant>): CompareVariant {
  return { name: 'v', fingerprint: 'f', latest: false, ended: '', summary: '', megabytes: 0, differing: {}, figures: {}, measured: {}, ...over };
}

describe('compare', () => {
  it('picks the best value by direction, skipping missing and NaN', () => {
    expect(bestIndex([0.3, 0.1, 0.2], false)).toBe(1);
    expect(bestIndex([0.3, 0.1, 0.2], true)).toBe(0);
    expect(bestIndex([null, NaN, 0.5, undefined], false)).toBe(2);
    expect(bestIndex([null, NaN], true)).toBe(-1);
    expect(bestIndex([0.2, 0.2], true)).toBe(0); // a tie keeps the first
  });
  it('formats mean and sd', () => {
    expect(meanSdText({ mean: 0.94671, sd: 0.02113 })).toBe('0.9467 ± 0.0211');
    expect(meanSdText({ mean: 1.5 }, 2)).toBe('1.50');
    expect(meanSdText(null)).toBe('–');
    expect(meanSdText({ mean: NaN })).toBe('–');
  });
  it('prefers the figures measured in the output file over the summary', () => {
    const [qe, te] = figureColumns('som');
    const v = variant({ figures: { quantisation_error: 1.23, topographic_error: 0.5 }, measured: { quantisation_error: 1.2345678 } });
    expect(qe.value(v)).toEqual({ mean: 1.2345678 });
    expect(te.value(v)).toEqual({ mean: 0.5 });
    expect(qe.largerIsBetter).toBe(false);
    const [acc, f1] = figureColumns('forest');
    const w = variant({ figures: { cv_accuracy: 0.9, cv_macro_f1: 0.8 }, measured: { accuracy: { mean: 0.91, sd: 0.01 } } });
    expect(acc.value(w)).toEqual({ mean: 0.91, sd: 0.01 });
    expect(f1.value(w)).toEqual({ mean: 0.8 });
    expect(acc.largerIsBetter).toBe(true);
    expect(figureColumns('preprocess')).toEqual([]);
    expect(qe.value(variant({}))).toBeNull();
  });
  it('compares only stages with several variants', () => {
    const stages: CompareStage[] = [
      { stage: 'preprocess', differing: [], variants: [variant({})] },
      { stage: 'som', differing: ['som.epochs'], variants: [variant({}), variant({})] },
    ];
    expect(comparedStages(stages).map((s) => s.stage)).toEqual(['som']);
  });
});
