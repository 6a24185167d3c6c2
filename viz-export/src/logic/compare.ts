// The comparison page's table model: which figures each stage's variants are compared by,
// their values (measured in the output file, else from the summary), and the best of each.
import type { CompareStage, CompareVariant } from '../data/types';

/** A figure column: its title, whether larger is better, and how to get a variant's value. */
export interface FigureColumn {
  key: string;
  title: string;
  largerIsBetter: boolean;
  value: (v: CompareVariant) => { mean: number; sd?: number } | null;
}

function scalar(v: CompareVariant, key: 'quantisation_error' | 'topographic_error'): { mean: number } | null {
  const m = v.measured[key] ?? v.figures[key];
  return m === undefined || m === null ? null : { mean: m };
}

function spread(v: CompareVariant, key: 'accuracy' | 'macro_f1', summaryKey: string): { mean: number; sd?: number } | null {
  const m = v.measured[key];
  if (m) return { mean: m.mean, sd: m.sd };
  const f = v.figures[summaryKey];
  return f === undefined || f === null ? null : { mean: f };
}

const kColumns: Record<string, FigureColumn[]> = {
  som: [
    { key: 'quantisation_error', title: 'quantisation error', largerIsBetter: false, value: (v) => scalar(v, 'quantisation_error') },
    { key: 'topographic_error', title: 'topographic error', largerIsBetter: false, value: (v) => scalar(v, 'topographic_error') },
  ],
  forest: [
    { key: 'accuracy', title: 'CV accuracy', largerIsBetter: true, value: (v) => spread(v, 'accuracy', 'cv_accuracy') },
    { key: 'macro_f1', title: 'CV macro-F1', largerIsBetter: true, value: (v) => spread(v, 'macro_f1', 'cv_macro_f1') },
  ],
};

/** The figure columns of a stage (none for stages without headline figures). */
export function figureColumns(stage: string): FigureColumn[] {
  return kColumns[stage] ?? [];
}

/** Index of the best value (NaN and missing values never win); -1 when there is none. */
export function bestIndex(values: (number | null | undefined)[], largerIsBetter: boolean): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v === null || v === undefined || Number.isNaN(v)) return;
    const b = best < 0 ? null : values[best]!;
    if (b === null || (largerIsBetter ? v > b : v < b)) best = i;
  });
  return best;
}

/** "0.9467 ± 0.0211" (sd when known), or "–". */
export function meanSdText(x: { mean: number; sd?: number } | null, digits = 4): string {
  if (!x || Number.isNaN(x.mean)) return '–';
  const m = x.mean.toFixed(digits);
  return x.sd === undefined || Number.isNaN(x.sd) ? m : `${m} ± ${x.sd.toFixed(digits)}`;
}

/** The stages with two or more kept variants: the ones the page compares. */
export function comparedStages(stages: CompareStage[]): CompareStage[] {
  return stages.filter((s) => s.variants.length > 1);
}
