// Compare: the kept variants of each stage side by side (the facts `vocloud runs` prints,
// with the figures read from each variant's output file), and a sweep's ranked summary.
import type { App } from '../app';
import type { Compare, CompareStage } from '../data/types';
import { bestIndex, comparedStages, figureColumns, meanSdText } from '../logic/compare';
import { fmt } from '../logic/stats';
import { h, note, section } from '../ui/dom';

function stageCard(s: CompareStage): HTMLElement {
  const columns = figureColumns(s.stage);
  const best = columns.map((c) => bestIndex(s.variants.map((v) => c.value(v)?.mean), c.largerIsBetter));
  const head = ['variant', 'ended', ...s.differing, ...columns.map((c) => c.title), 'MB'];
  const rows = s.variants.map((v, i) =>
    h('tr', { 'data-variant': v.name, class: v.latest ? 'latest' : null },
      h('td', {}, h('code', { title: v.fingerprint }, v.name), v.latest ? ' (latest)' : ''),
      h('td', {}, v.ended),
      ...s.differing.map((k) => h('td', { 'data-key': k }, v.differing[k] ?? '–')),
      ...columns.map((c, j) => h('td', { 'data-figure': c.key, 'data-value': c.value(v)?.mean ?? '', class: best[j] === i ? 'best' : null }, meanSdText(c.value(v)))),
      h('td', {}, fmt(v.megabytes, 3))));
  const table = h('table', { class: 'grid compare', 'data-stage': s.stage },
    h('thead', {}, h('tr', {}, ...head.map((t) => h('th', {}, t)))), h('tbody', {}, ...rows));
  const hint = columns.length ? h('p', { class: 'hint' }, `Best value of each figure in bold (${columns.map((c) => `${c.title}: ${c.largerIsBetter ? 'larger' : 'smaller'} is better`).join('; ')}).`) : null;
  const what = s.differing.length ? `differ in ${s.differing.join(', ')}` : 'have the same parameters';
  return section(`${s.stage}: ${s.variants.length} kept variants`, h('p', {}, `The variants ${what}.`), hint, table,
    h('details', {}, h('summary', {}, 'Summaries'), ...s.variants.map((v) => h('p', {}, h('code', {}, v.name), ' ', v.summary))));
}

function sweepCard(c: Compare): HTMLElement | null {
  const sw = c.sweep;
  if (!sw) return null;
  const figures = [...new Set(sw.rows.flatMap((r) => Object.keys(r.figures)))].sort();
  const stages = [...new Set(sw.rows.flatMap((r) => Object.keys(r.stages)))];
  const rows = sw.rows.map((r) => h('tr', { 'data-sweep-variant': r.variant },
    h('td', {}, r.rank), h('td', {}, r.variant), h('td', {}, r.overrides),
    ...figures.map((f) => h('td', { 'data-figure': f }, r.figures[f] === undefined ? '–' : fmt(r.figures[f], 4))),
    ...stages.map((s) => h('td', {}, h('code', {}, r.stages[s] ?? '–')))));
  return section(`Sweep: ${sw.rows.length} variants ranked by ${sw.rank_by} (${sw.larger_is_better ? 'larger' : 'smaller'} is better)`,
    h('table', { class: 'grid sweep' },
      h('thead', {}, h('tr', {}, ...['rank', 'variant', 'overrides', ...figures, ...stages].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...rows)));
}

/** Renders the comparison page. */
export async function comparePage(app: App): Promise<HTMLElement[]> {
  if (!app.overview.pages.compare) {
    return [section('Compare variants', note('This experiment keeps one variant of each stage and ran no sweep, so there is nothing to compare.'))];
  }
  const c = await app.data.load<Compare>('compare');
  const stages = comparedStages(c.stages);
  const cards = stages.map(stageCard);
  const sweep = sweepCard(c);
  if (cards.length === 0 && !sweep) return [section('Compare variants', note('No stage has several kept variants.'))];
  const intro = section('Compare variants', h('p', {}, 'Every kept variant of a stage (', h('code', {}, 'vocloud runs'), ' lists the same), with the parameters that differ between them and their figures, read from each variant\u2019s output file. The experiment\u2019s ', h('code', {}, '<stage>/'), ' links to the latest.'));
  return [intro, ...cards, ...(sweep ? [sweep] : [])];
}
