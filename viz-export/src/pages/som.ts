// SOM: hit map, U-matrix and per-class maps on the map's lattice, errors per epoch, the
// ranked outliers. A click on a node opens #/som/node/<k>.
import type { App } from '../app';
import type { Som } from '../data/types';
import type { Lattice } from '../logic/grid';
import { fmt } from '../logic/stats';
import { h, note, section } from '../ui/dom';
import { pagedList } from '../ui/list';
import { plotPanel } from '../ui/plot';
import { classColour, somMap } from '../ui/somMap';

/** The lattice of a som.js payload. */
export function latticeOf(som: Som): Lattice {
  return { rows: som.rows, cols: som.cols, grid: som.grid, topology: som.topology };
}

function openNode(k: number): void {
  location.hash = `#/som/node/${k}`;
}

function hitTooltip(som: Som, k: number): string {
  const n = som.nodes;
  return `node ${k} (row ${n.row[k]}, col ${n.col[k]}): ${n.hits[k]} spectra, U-matrix ${fmt(n.umatrix[k])}${n.sparse[k] ? ', sparse' : ''}`;
}

function classMap(som: Som, selected?: number): HTMLElement {
  const c = som.classes;
  const lattice = latticeOf(som);
  const box = h('div', { class: 'class-map' });
  const pick = h('select', { 'aria-label': 'class shown' }, h('option', { value: '-1' }, 'majority class'),
    ...c.names.map((name, i) => h('option', { value: String(i) }, name)));
  const draw = (ci: number): void => {
    const K = som.nodes.hits.length;
    const dominant = (k: number): number => {
      let best = -1, bestV = 0;
      c.hits.forEach((hits, i) => { if (hits[k] > bestV) { best = i; bestV = hits[k]; } });
      return best;
    };
    const legend = ci < 0 ? h('div', { class: 'legend' }, ...c.names.map((n, i) => h('span', { style: `--c:${classColour(i)}` }, n))) : undefined;
    const map = somMap({
      title: ci < 0 ? 'Majority class per node' : `Spectra of class ${c.names[ci]} per node`, name: 'class', lattice,
      values: ci < 0 ? Array.from({ length: K }, (_, k) => dominant(k)) : c.hits[ci],
      colour: ci < 0 ? (k) => (dominant(k) < 0 ? '#eee' : classColour(dominant(k))) : undefined,
      labels: ci < 0 ? undefined : (k) => String(c.hits[ci][k]),
      tooltip: (k) => `node ${k}: ` + c.names.map((n, i) => `${n} ${c.hits[i][k]}`).join(', '),
      onClick: openNode, selected, legend,
    });
    box.replaceChildren(pick, map);
  };
  pick.addEventListener('change', () => draw(Number(pick.value)));
  draw(-1);
  return box;
}

/** The hit map, U-matrix and class map, each clickable. */
export function somMaps(som: Som, selected?: number): HTMLElement {
  const lattice = latticeOf(som);
  const wrap = som.topology === 'toroidal' ? ' (toroidal: the faded ring repeats the opposite edges)' : '';
  return h('div', { class: 'maps' },
    somMap({ title: `Hits per node${wrap}`, name: 'hits', lattice, values: som.nodes.hits, labels: (k) => String(som.nodes.hits[k]),
      tooltip: (k) => hitTooltip(som, k), onClick: openNode, selected }),
    somMap({ title: 'U-matrix (mean distance to neighbours)', name: 'umatrix', lattice, values: som.nodes.umatrix,
      tooltip: (k) => hitTooltip(som, k), onClick: openNode, selected }),
    classMap(som, selected));
}

function epochsPanel(som: Som): HTMLElement {
  const e = som.epochs;
  if (e.quantisation_error.length === 0) return note('No per-epoch errors were recorded.');
  return plotPanel({
    title: 'Quantisation error (left) and topographic error (right) per epoch', name: 'epochs',
    x: e.quantisation_error.map((_, i) => i + 1), xLabel: 'epoch', height: 200, integerX: true, rightLabel: 'topographic error',
    lines: [
      { label: 'quantisation error', values: e.quantisation_error, color: '#1f77b4', points: true },
      { label: 'topographic error', values: e.topographic_error, color: '#d62728', points: true, scale: 'te' },
    ],
  });
}

function outlierList(app: App, som: Som): HTMLElement {
  const o = som.outliers;
  return pagedList(app, {
    name: 'outliers', title: 'ranked outliers', count: o.rank.length, row: (i) => o.row[i], shard: (i) => o.shard[i],
    empty: 'The SOM stage listed no outliers.',
    columns: [
      { title: 'id', value: (i) => o.id[i] }, { title: 'rank', value: (i) => o.rank[i] },
      { title: 'score', value: (i) => fmt(o.score[i]) }, { title: 'label', value: (i) => o.label[i] },
      { title: 'node', value: (i) => o.bmu[i] }, { title: 'row', value: (i) => o.row[i] },
    ],
  });
}

/** Renders the SOM page. */
export async function somPage(app: App): Promise<HTMLElement[]> {
  if (!app.overview.pages.som) return [section('Self-organising map', note('This experiment has no SOM stage, so this page has no data.'))];
  const som = await app.data.load<Som>('som');
  const listed = som.outliers.count > som.outliers.rank.length ? ` (the first ${som.outliers.rank.length} of ${som.outliers.count})` : '';
  return [
    section(`Self-organising map: ${som.rows} × ${som.cols} ${som.grid}, ${som.topology}`,
      h('p', {}, `Quantisation error ${fmt(som.quantisation_error)}, topographic error ${fmt(som.topographic_error)}. Click a node to see its spectra.`),
      somMaps(som), epochsPanel(som)),
    section(`Ranked outliers${listed}`, outlierList(app, som)),
  ];
}
