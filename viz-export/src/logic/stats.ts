// Small figures the pages derive from the data files: confusion totals, colour scales.

/** Row sums, column sums and the total of a confusion matrix [true][predicted]. */
export function confusionTotals(m: number[][]): { rows: number[]; cols: number[]; total: number; correct: number } {
  const rows = m.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = m.length ? m[0].map((_, j) => m.reduce((a, r) => a + r[j], 0)) : [];
  const total = rows.reduce((a, b) => a + b, 0);
  const correct = m.reduce((a, r, i) => a + (r[i] ?? 0), 0);
  return { rows, cols, total, correct };
}

/** Each cell as a fraction of its true class (row); 0 in an empty row. */
export function rowFractions(m: number[][]): number[][] {
  return m.map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((v) => (s > 0 ? v / s : 0));
  });
}

/** Min and max of the finite values (0, 1 when there are none, max > min always). */
export function range(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { min: 0, max: 1 };
  if (max === min) return { min, max: min + 1 };
  return { min, max };
}

/** A perceptual-ish sequential colour (viridis anchors, linear in between) for t in [0, 1]. */
export function viridis(t: number): string {
  const stops = [
    [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, j) => Math.round(v + f * (stops[i + 1][j] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Mean and sample standard deviation of a list (sd 0 for fewer than two values). */
export function meanSd(values: number[]): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: 0 };
  const v = values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1);
  return { mean, sd: Math.sqrt(v) };
}

/** Contiguous runs [from, to] (inclusive indexes) where mask is non-zero. */
export function maskedRuns(mask: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= mask.length; i++) {
    const on = i < mask.length && mask[i] !== 0;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  return out;
}

/** The first few decimals of a number for a table ("–" for null or NaN). */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(digits);
}
