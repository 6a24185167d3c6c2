// SOM maps as SVG on the map's real lattice (hexagonal or rectangular); on a torus a faded
// ring of ghost cells repeats the opposite edges.
import { bounds, cellCentre, cellCorners, drawnCells, type Lattice } from '../logic/grid';
import { range, viridis } from '../logic/stats';
import { h, s } from './dom';

export interface MapSpec {
  title: string;
  name: string;
  lattice: Lattice;
  /** One value per node (node order). */
  values: number[];
  /** Text drawn in each cell (e.g. the hit count); none when absent. */
  labels?: (node: number) => string;
  /** Explicit colour per node, instead of the value's colour scale. */
  colour?: (node: number) => string;
  tooltip: (node: number) => string;
  /** Called when a cell (or its ghost) is clicked. */
  onClick?: (node: number) => void;
  selected?: number;
  legend?: HTMLElement;
}

function polygon(l: Lattice, row: number, col: number): string {
  return cellCorners(l, cellCentre(l, row, col)).map((p) => `${p.x.toFixed(3)},${p.y.toFixed(3)}`).join(' ');
}

function textColour(t: number): string {
  return t > 0.6 ? '#111' : '#fff';
}

/** A map of one value per node, with the value's colour and optional text in each cell. */
export function somMap(spec: MapSpec): HTMLElement {
  const l = spec.lattice;
  const cells = drawnCells(l);
  const b = bounds(l, cells);
  const { min, max } = range(spec.values);
  const svg = s('svg', {
    viewBox: `${b.x - 0.05} ${b.y - 0.05} ${b.w + 0.1} ${b.h + 0.1}`,
    class: 'som-map', role: 'img', 'aria-label': spec.title,
  });
  for (const c of cells) {
    const v = spec.values[c.node];
    const t = (v - min) / (max - min);
    const fill = spec.colour ? spec.colour(c.node) : viridis(t);
    const g = s('g', {
      class: `cell${c.ghost ? ' ghost' : ''}${spec.selected === c.node ? ' selected' : ''}`,
      'data-node': c.ghost ? null : c.node, 'data-ghost-of': c.ghost ? c.node : null,
    });
    g.append(s('title', {}, spec.tooltip(c.node) + (c.ghost ? ' (wrapped copy)' : '')));
    g.append(s('polygon', { points: polygon(l, c.row, c.col), fill }));
    const text = spec.labels?.(c.node);
    if (text !== undefined && !c.ghost) {
      const p = cellCentre(l, c.row, c.col);
      g.append(s('text', { x: p.x, y: p.y, fill: spec.colour ? '#111' : textColour(t), 'font-size': 0.32 }, text));
    }
    if (spec.onClick) g.addEventListener('click', () => spec.onClick!(c.node));
    svg.append(g);
  }
  const scale = spec.colour ? null : h('div', { class: 'scale' }, h('span', {}, fmtNum(min)), h('span', { class: 'bar' }), h('span', {}, fmtNum(max)));
  return h('figure', { class: 'som', 'data-map': spec.name }, h('figcaption', {}, spec.title), svg, scale, spec.legend ?? null);
}

function fmtNum(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(3);
}

const kPalette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** A distinct colour for class i. */
export function classColour(i: number): string {
  return kPalette[i % kPalette.length];
}
