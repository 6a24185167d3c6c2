// Line charts with uPlot: spectra panels (masked pixels shaded, vertical marks) whose
// drag-zoom is shared by every panel of a ZoomGroup.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { maskedRuns } from '../logic/stats';
import { tickLabels } from '../logic/ticks';
import { h } from './dom';

export interface Line {
  label: string;
  values: ArrayLike<number>;
  color: string;
  width?: number;
  /** A second y axis on the right for this line. */
  scale?: string;
  points?: boolean;
}

export interface PlotSpec {
  title: string;
  x: ArrayLike<number>;
  xLabel?: string;
  lines: Line[];
  /** Shaded where non-zero (same length as x). */
  mask?: ArrayLike<number>;
  /** x positions drawn as dashed vertical lines. */
  marks?: number[];
  height?: number;
  /** data-* name of the panel, for tests and styles. */
  name?: string;
  zoom?: ZoomGroup;
  logX?: boolean;
  /** Label of the right axis (when a line has its own scale). */
  rightLabel?: string;
  /** x holds whole numbers (epochs, components): ticks at whole numbers only. */
  integerX?: boolean;
}

/**
 * Panels whose x range follows each other's drag-zoom. Each panel starts on its own full
 * range (the raw input spans more than the grid); a drag in any panel sets every panel's x
 * range, and a double click puts every panel back on its own full range.
 */
export class ZoomGroup {
  private readonly _plots: uPlot[] = [];
  private _dragging: uPlot | null = null;
  private _busy = false;

  add(u: uPlot): void {
    this._plots.push(u);
    u.over.addEventListener('mousedown', () => {
      this._dragging = u;
      const done = (): void => {
        document.removeEventListener('mouseup', done);
        setTimeout(() => (this._dragging = null), 0);
      };
      document.addEventListener('mouseup', done);
    });
    u.over.addEventListener('dblclick', () => this.reset());
  }

  /** Called by a panel's setScale hook: a user's zoom is copied to the other panels. */
  follow(from: uPlot): void {
    const { min, max } = from.scales.x;
    markRange(from);
    if (this._busy || this._dragging !== from || min == null || max == null) return;
    this._busy = true;
    for (const u of this._plots) if (u !== from) u.setScale('x', { min, max });
    this._busy = false;
  }

  /** Every panel back on its own full x range. */
  reset(): void {
    this._busy = true;
    for (const u of this._plots) {
      const x = u.data[0];
      if (x.length) u.setScale('x', { min: x[0], max: x[x.length - 1] });
    }
    this._busy = false;
  }
}

function markRange(u: uPlot): void {
  const el = u.root.closest<HTMLElement>('[data-panel]');
  if (!el) return;
  el.dataset.xMin = String(u.scales.x.min);
  el.dataset.xMax = String(u.scales.x.max);
}

function toArray(v: ArrayLike<number>): (number | null)[] {
  return Array.from(v, (x) => (Number.isFinite(x) ? x : null));
}

/** The x values ascending (uPlot needs that) with the same permutation applied to lines and mask. */
function ascending(spec: PlotSpec): { x: number[]; lines: (number | null)[][]; mask?: number[] } {
  const n = spec.x.length;
  const x = Array.from(spec.x);
  const lines = spec.lines.map((l) => toArray(l.values));
  const mask = spec.mask ? Array.from(spec.mask) : undefined;
  if (n > 1 && x[0] > x[n - 1]) {
    x.reverse();
    lines.forEach((l) => l.reverse());
    mask?.reverse();
  }
  return { x, lines, mask };
}

function drawExtras(u: uPlot, x: number[], mask: number[] | undefined, marks: number[] | undefined): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  if (mask) {
    ctx.fillStyle = 'rgba(220, 60, 60, 0.18)';
    for (const [a, b] of maskedRuns(mask)) {
      const x0 = u.valToPos(x[Math.max(0, a)] - (a > 0 ? (x[a] - x[a - 1]) / 2 : 0), 'x', true);
      const x1 = u.valToPos(x[b] + (b + 1 < x.length ? (x[b + 1] - x[b]) / 2 : 0), 'x', true);
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
  }
  for (const m of marks ?? []) {
    const px = u.valToPos(m, 'x', true);
    ctx.strokeStyle = '#555';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + height);
    ctx.stroke();
  }
  ctx.restore();
}

/** Room for a value axis: its widest tick label plus the tick and the gap (uPlot's default
 * of 50 px cuts labels such as 30000). */
function valueAxisSize(u: uPlot, values: string[] | null, axisIdx: number): number {
  if (!values || values.length === 0) return 50;
  const ctx = u.ctx;
  ctx.save();
  ctx.font = u.axes[axisIdx].font?.[0] ?? '12px system-ui';
  const widest = values.reduce((m, v) => Math.max(m, ctx.measureText(v ?? '').width), 0);
  ctx.restore();
  return Math.ceil(widest / devicePixelRatio) + 22;
}

/** A value axis with labels that stay readable at any magnitude. */
function valueAxis(extra: uPlot.Axis = {}): uPlot.Axis {
  return { values: (_u, ticks) => tickLabels(ticks), size: valueAxisSize, ...extra };
}

function options(spec: PlotSpec, width: number, x: number[], mask?: number[]): uPlot.Options {
  const zoom = spec.zoom;
  const right = spec.lines.find((l) => l.scale);
  const axes: uPlot.Axis[] = [{ label: spec.xLabel ?? 'wavelength (Å)', incrs: spec.integerX ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] : undefined }, valueAxis()];
  if (right) axes.push(valueAxis({ scale: right.scale, side: 1, grid: { show: false }, label: spec.rightLabel }));
  return {
    width,
    height: spec.height ?? 220,
    scales: { x: { time: false, distr: spec.logX ? 3 : 1 } },
    legend: { live: false, show: spec.lines.length > 1 },
    cursor: { drag: { x: true, y: false, setScale: true }, bind: zoom ? { dblclick: () => null } : undefined },
    axes,
    series: [
      {},
      ...spec.lines.map((l) => ({
        label: l.label, stroke: l.color, width: l.width ?? 1.2, scale: l.scale ?? 'y',
        points: { show: l.points ?? false }, spanGaps: false,
      })),
    ],
    hooks: {
      draw: [(u: uPlot) => drawExtras(u, x, mask, spec.marks)],
      setScale: [(u: uPlot, key: string) => { if (key === 'x') zoom ? zoom.follow(u) : markRange(u); }],
      ready: [(u: uPlot) => markRange(u)],
    },
  };
}

/** A titled panel holding one uPlot chart; the chart object is on the element as `uplot`. */
export function plotPanel(spec: PlotSpec): HTMLElement {
  const panel = h('div', { class: 'panel', 'data-panel': spec.name ?? spec.title });
  const chart = h('div', { class: 'chart' });
  panel.append(h('h3', {}, spec.title), chart);
  // The chart is made once the page has put the panel in the document (pages build their
  // content while data is still loading), so that its width is known; a panel of a page
  // left before it was shown is never drawn.
  const started = Date.now();
  const mount = (): void => {
    if (!chart.isConnected) {
      if (Date.now() - started < 20000) setTimeout(mount, 25);
      return;
    }
    const width = Math.max(280, (chart.clientWidth || panel.clientWidth || 800) - 4);
    const { x, lines, mask } = ascending(spec);
    const u = new uPlot(options(spec, width, x, mask), [x, ...lines] as uPlot.AlignedData, chart);
    (chart as unknown as { uplot: uPlot }).uplot = u;
    spec.zoom?.add(u);
  };
  setTimeout(mount, 0);
  return panel;
}
