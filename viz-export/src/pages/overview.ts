// Overview: the experiment, its stages, the data set and the rejected spectra.
import type { App } from '../app';
import type { Overview, Rejected } from '../data/types';
import { fmt } from '../logic/stats';
import { facts, h, note, section, table } from '../ui/dom';
import { plotPanel } from '../ui/plot';

function stagesCard(o: Overview): HTMLElement {
  if (o.stages.length === 0) return section('Stages', note('No stage has run in this experiment.'));
  const rows = o.stages.map((s) => [
    s.name, s.status, fmt(s.seconds, 2), h('code', { title: s.fingerprint }, s.fingerprint.slice(0, 12)), s.started, s.summary,
  ]);
  return section('Stages', table(['stage', 'status', 'seconds', 'fingerprint', 'started', 'summary'], rows, 'grid stages'));
}

function compareCard(o: Overview): HTMLElement | null {
  if (!o.pages.compare) return null;
  return section('Kept variants', h('p', {}, 'Several variants of a stage are kept (or a sweep ran): ',
    h('a', { href: '#/compare', 'data-link': 'compare' }, 'compare them side by side'), '.'));
}

function datasetCard(o: Overview): HTMLElement {
  const d = o.dataset;
  const g = d.grid;
  const grid = `${fmt(g.from, 1)}–${fmt(g.to, 1)} ${g.unit === 'Angstrom' ? 'Å' : g.unit}, ${g.points} points, ${g.spacing} spacing, ${g.frame} frame${g.rest_frame ? ', rest frame' : ''}`;
  const classes = d.classes.map((c) => [c.name === '' ? '(unlabelled)' : c.name, c.count]);
  const layouts = d.layouts.map((c) => [c.name, c.count]);
  return section(
    'Data set',
    facts([['file', d.path], ['spectra', d.rows], ['rejected', d.rejected], ['grid', grid]]),
    h('div', { class: 'columns' },
      h('div', {}, h('h3', {}, 'Per class'), table(['class', 'spectra'], classes)),
      h('div', {}, h('h3', {}, 'Per source layout'), table(['layout', 'spectra'], layouts))),
  );
}

function pcaCard(o: Overview): HTMLElement {
  const r = o.dataset.pca.explained_variance_ratio;
  if (r.length === 0) return section('PCA', note('This experiment computed no PCA.'));
  const cumulative: number[] = [];
  r.reduce((a, v, i) => (cumulative[i] = a + v), 0);
  return section('PCA explained variance', plotPanel({
    title: 'fraction of variance per component and cumulative', name: 'pca', x: r.map((_, i) => i + 1), xLabel: 'component', integerX: true,
    lines: [
      { label: 'per component', values: r, color: '#1f77b4', points: true },
      { label: 'cumulative', values: cumulative, color: '#ff7f0e', points: true },
    ],
    height: 200,
  }));
}

async function rejectedCard(app: App, o: Overview): Promise<HTMLElement> {
  const d = o.dataset;
  if (d.rejected === 0) return section('Rejected spectra', note('No spectrum was rejected.'));
  const reasons = table(['reason', 'spectra'], d.rejected_reasons.map((r) => [r.reason, r.count]));
  const rej = await app.data.load<Rejected>('rejected');
  const list = h('div', {}, table(['id', 'reason', 'path'], rej.rows.slice(0, 500).map((r) => [r.id, r.reason, r.path])));
  const more = rej.count > Math.min(500, rej.rows.length) ? note(`${rej.count} rejected; the first ${Math.min(500, rej.rows.length)} are listed.`) : null;
  return section('Rejected spectra', reasons, h('h3', {}, 'Each rejected spectrum'), more, list);
}

/** Renders the overview page. */
export async function overviewPage(app: App): Promise<HTMLElement[]> {
  const o = app.overview;
  const head = section(
    `Experiment ${o.experiment}`,
    facts([['engine', o.engine_version], ['report written', o.created], ['spectra in the report', o.spectra_index.count]]),
    h('details', {}, h('summary', {}, 'Effective configuration'), h('pre', { class: 'config' }, o.config_yaml)),
  );
  return [head, stagesCard(o), ...[compareCard(o)].filter((c): c is HTMLElement => c !== null), datasetCard(o), await rejectedCard(app, o), pcaCard(o)];
}
