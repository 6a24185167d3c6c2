// Tick labels for the value axes of line charts. uPlot's default labels are made for values
// of ordinary size; raw spectra come in counts of 10^4 and more or in erg/s/cm^2/Å of 10^-17,
// where they are cut or all read "0". These labels stay short and tell every tick apart.

/** Shortest labels that tell the ticks apart: scientific notation for very large or very
 * small values, fixed decimals from the step between ticks otherwise. */
export function tickLabels(ticks: number[]): string[] {
  const finite = ticks.filter((v) => Number.isFinite(v));
  const largest = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (largest === 0) return ticks.map((v) => (Number.isFinite(v) ? '0' : ''));
  if (largest >= 1e5 || largest < 1e-3) {
    for (let digits = 0; digits <= 6; digits++) {
      const labels = ticks.map((v) => (v === 0 ? '0' : Number.isFinite(v) ? v.toExponential(digits) : ''));
      if (new Set(labels).size === new Set(ticks).size) return labels;
    }
    return ticks.map((v) => v.toExponential(6));
  }
  let step = Infinity;
  const sorted = [...new Set(finite)].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i] - sorted[i - 1]);
  if (!Number.isFinite(step)) step = largest;
  // The fewest decimals that write every tick exactly (to a millionth of the step).
  let decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  while (decimals < 6 && finite.some((v) => Math.abs(Number(v.toFixed(decimals)) - v) > step * 1e-6)) decimals++;
  return ticks.map((v) => (Number.isFinite(v) ? v.toFixed(decimals) : ''));
}
