// Forest: out-of-fold confusion matrix (each cell opens its spectra), per-class and per-fold
// figures, ROC curves, feature importance over the mean spectrum of each class.
import type { App } from '../app';
import type { Cell, Forest, Grid } from '../data/types';
import { cellName } from '../data/types';
import { decodeArray } from '../logic/b64';
import { confusionTotals, fmt, meanSd, rowFractions, viridis } from '../logic/stats';
import { h, note, s, section, table } from '../ui/dom';
import { pagedList } from '../ui/list';
import { plotPanel, type Line } from '../ui/plot';
import { classColour } from '../ui/somMap';

const ms = (v: { mean: number; sd: number }): string => `${fmt(v.mean)} ± ${fmt(v.sd)}`;

function confusionTable(f: Forest): HTMLElement {
  const frac = rowFractions(f.confusion);
  const tot = confusionTotals(f.confusion);
  const head = h('tr', {}, h('th', { class: 'corner' }, 'true ↓ / predicted →'), ...f.classes.map((c) => h('th', {}, c)), h('th', {}, 'total'));
  const body = f.confusion.map((row, t) => h('tr', {}, h('th', {}, f.classes[t]),
    ...row.map((n, p) => {
      const style = `background:${viridis(frac[t][p])};color:${frac[t][p] > 0.6 ? '#111' : '#fff'}`;
      const content = n > 0 ? h('a', { href: `#/forest/cell/${t}/${p}` }, String(n)) : '0';
      return h('td', { class: `cell${t === p ? ' diagonal' : ''}`, style, 'data-true': t, 'data-predicted': p, 'data-count': n }, content);
    }), h('td', { class: 'total' }, String(tot.rows[t]))));
  const foot = h('tr', {}, h('th', {}, 'total'), ...tot.cols.map((c) => h('td', { class: 'total' }, String(c))), h('td', { class: 'total' }, String(tot.total)));
  return h('table', { class: 'confusion' }, h('thead', {}, head), h('tbody', {}, ...body, foot));
}

function rocSvg(f: Forest): HTMLElement {
  const size = 100;
  const svg = s('svg', { viewBox: '-14 -4 120 118', class: 'roc', role: 'img', 'aria-label': 'ROC curves' });
  svg.append(s('rect', { x: 0, y: 0, width: size, height: size, fill: 'none', stroke: '#999', 'stroke-width': 0.3 }));
  svg.append(s('line', { x1: 0, y1: size, x2: size, y2: 0, stroke: '#bbb', 'stroke-dasharray': '2 2', 'stroke-width': 0.3 }));
  f.roc.forEach((r, i) => {
    const pts = r.fpr.map((x, j) => `${(x * size).toFixed(2)},${((1 - r.tpr[j]) * size).toFixed(2)}`).join(' ');
    svg.append(s('polyline', { points: pts, fill: 'none', stroke: classColour(i), 'stroke-width': 0.8 }, s('title', {}, `${r.class}: AUC ${fmt(r.auc)}`)));
  });
  for (const v of [0, 0.5, 1]) {
    svg.append(s('text', { x: v * size, y: size + 4.5, 'font-size': 3.5, 'text-anchor': 'middle' }, String(v)));
    svg.append(s('text', { x: -1.5, y: (1 - v) * size + 1.2, 'font-size': 3.5, 'text-anchor': 'end' }, String(v)));
  }
  svg.append(s('text', { x: 50, y: 112, 'font-size': 4, 'text-anchor': 'middle' }, 'false positive rate'));
  svg.append(s('text', { x: -8, y: 50, 'font-size': 4, 'text-anchor': 'middle', transform: 'rotate(-90 -8 50)' }, 'true positive rate'));
  const legend = h('div', { class: 'legend' }, ...f.roc.map((r, i) => h('span', { style: `--c:${classColour(i)}` }, `${r.class} (AUC ${fmt(r.auc)})`)));
  return h('figure', { class: 'roc' }, svg, legend);
}

async function importancePanel(app: App, f: Forest): Promise<HTMLElement> {
  const impurity = decodeArray(f.importance.impurity);
  const permutation = decodeArray(f.importance.permutation);
  const imp: Line[] = [
    { label: 'impurity importance', values: impurity, color: '#000', scale: 'imp', width: 1.5 },
    { label: 'permutation importance', values: permutation, color: '#9467bd', scale: 'imp', width: 1.5 },
  ];
  if (f.features !== 'flux') {
    return plotPanel({ title: `Feature importance (${f.features} features)`, name: 'importance', x: impurity.map((_, i) => i), xLabel: 'feature', lines: imp });
  }
  const wave = decodeArray((await app.data.load<Grid>('grid')).wave);
  const means: Line[] = f.classes.filter((c) => f.class_mean[c]).map((c) => ({
    label: `mean ${c}`, values: decodeArray(f.class_mean[c]), color: classColour(f.classes.indexOf(c)), width: 1,
  }));
  return plotPanel({ title: 'Feature importance (right axis) over the mean normalised spectrum of each class (left axis)', name: 'importance', x: wave, lines: [...means, ...imp], height: 280, rightLabel: 'importance' });
}

function foldTable(f: Forest): HTMLElement {
  const rows: (string | number | HTMLElement)[][] = f.per_fold.map((r) => [r.fold, fmt(r.accuracy), fmt(r.macro_f1), fmt(r.macro_auc)]);
  const col = (k: 'accuracy' | 'macro_f1' | 'macro_auc'): string => { const m = meanSd(f.per_fold.map((r) => r[k])); return `${fmt(m.mean)} ± ${fmt(m.sd)}`; };
  rows.push([h('b', {}, 'mean ± sd'), col('accuracy'), col('macro_f1'), col('macro_auc')]);
  return table(['fold', 'accuracy', 'macro F1', 'macro AUC'], rows);
}

/** Renders the forest page. */
export async function forestPage(app: App): Promise<HTMLElement[]> {
  if (!app.overview.pages.forest) return [section('Random forest', note('This experiment has no forest stage, so this page has no data.'))];
  const f = await app.data.load<Forest>('forest');
  const perClass = table(['class', 'precision', 'recall', 'F1', 'AUC', 'support'],
    f.per_class.map((c) => [c.class, ms(c.precision), ms(c.recall), ms(c.f1), ms(c.auc), c.support]));
  const groups = f.group_by ? `, folds grouped by ${f.group_by}` : '';
  return [
    section(`Random forest: ${f.folds}-fold cross-validation${groups}`,
      h('p', {}, `Accuracy ${ms(f.accuracy)}, macro F1 ${ms(f.macro_f1)}, macro AUC ${ms(f.macro_auc)} (mean ± sd over folds).`),
      h('h3', {}, 'Out-of-fold confusion matrix (all folds; click a number for its spectra)'), confusionTable(f)),
    section('Per class', perClass),
    section('Per fold', foldTable(f)),
    section('ROC curves (out of fold)', f.roc.length ? rocSvg(f) : note('No ROC curve was recorded.')),
    section('Feature importance', await importancePanel(app, f)),
  ];
}

/** Renders the spectra of confusion cell (t, p). */
export async function cellPage(app: App, t: number, p: number): Promise<HTMLElement[]> {
  if (!app.overview.pages.forest) return [section('Confusion cell', note('This experiment has no forest stage, so this page has no data.'))];
  const f = await app.data.load<Forest>('forest');
  const k = f.classes.length;
  const back = h('p', {}, h('a', { href: '#/forest' }, '← back to the forest'));
  if (t >= k || p >= k) return [section('Confusion cell', note(`There are ${k} classes (0 to ${k - 1}); no cell ${t}, ${p}.`, 'error'), back)];
  const title = `True ${f.classes[t]}, predicted ${f.classes[p]}`;
  if (f.confusion[t][p] === 0) return [section(title, note('No spectrum falls in this cell.'), back)];
  const c = await app.data.load<Cell>(cellName(t, p));
  const sample = c.count > c.row.length ? ` (a sample of ${c.row.length})` : '';
  return [section(`${title}: ${c.count} spectra${sample}`, back, pagedList(app, {
    name: 'cell', title: `true ${c.true}, predicted ${c.predicted}`, count: c.row.length, row: (i) => c.row[i], shard: (i) => c.shard[i],
    columns: [
      { title: 'id', value: (i) => c.id[i] }, { title: 'true', value: () => c.true }, { title: 'predicted', value: () => c.predicted },
      ...f.classes.map((name, j) => ({ title: `p(${name})`, value: (i: number) => fmt(c.probability[i][j]) })),
      { title: 'row', value: (i) => c.row[i] },
    ],
  }))];
}
