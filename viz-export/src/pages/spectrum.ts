// The spectrum view, target of every click: one spectrum at every stage with shared zoom,
// its metadata, SOM node and forest prediction, previous/next within the list it came from.
import type { App } from '../app';
import type { Forest, Grid, NodeShard, Shard, Som, SpectraIndex, Spectrum } from '../data/types';
import { nodeShardName, shardName } from '../data/types';
import { decodeArray, rowOf } from '../logic/b64';
import { neighboursIn } from '../logic/paging';
import { positionOfRow, searchIndex } from '../logic/search';
import { fmt } from '../logic/stats';
import { facts, h, note, section, table } from '../ui/dom';
import { pagedList } from '../ui/list';
import { sampButton } from '../ui/sampButton';
import { plotPanel, ZoomGroup } from '../ui/plot';

function navBar(app: App, index: SpectraIndex, row: number): HTMLElement {
  const fromList = app.list && app.list.rows.includes(row) ? app.list : null;
  const rows = fromList ? fromList.rows : index.row;
  const { prev, next, index: at } = neighboursIn(rows, row);
  const link = (r: number | null, text: string, rel: string): HTMLElement =>
    r === null ? h('span', { class: 'off' }, text) : h('a', { href: `#/spectrum/${r}`, rel }, text);
  const where = fromList
    ? h('span', {}, `${at + 1} of ${rows.length} in `, h('a', { href: fromList.back || '#/overview' }, fromList.title))
    : h('span', {}, `${at + 1} of ${rows.length} spectra in the report`);
  return h('div', { class: 'prevnext' }, link(prev, '‹ previous', 'prev'), where, link(next, 'next ›', 'next'));
}

function metadata(sp: Spectrum): HTMLElement {
  const source = sp.source_url ? h('a', { href: sp.source_url, rel: 'noreferrer' }, sp.source_url) : sp.path;
  return facts([
    ['id', sp.id], ['object', sp.object || '–'], ['row', sp.row], ['RA, Dec (deg)', `${fmt(sp.ra, 5)}, ${fmt(sp.dec, 5)}`],
    ['z', fmt(sp.z, 6)], ['S/N', fmt(sp.snr, 1)], ['label', sp.label || '(unlabelled)'], ['layout', sp.layout], ['source', source],
  ]);
}

function stagePanels(sp: Spectrum, wave: Float64Array | Float32Array, zoom: ZoomGroup): HTMLElement[] {
  const st = sp.stages;
  const out: HTMLElement[] = [];
  const missing = (what: string): HTMLElement => h('div', { class: 'panel missing', 'data-panel': what }, h('h3', {}, what), note('This stage is not in the report for this spectrum.'));
  if (st.raw) {
    out.push(plotPanel({ name: 'raw', title: `Raw input (the file's own ${st.raw.frame} wavelengths; masked pixels shaded; dashed: the cut ${fmt(st.raw.cut_from, 1)}–${fmt(st.raw.cut_to, 1)} Å)`,
      x: decodeArray(st.raw.wave), lines: [{ label: 'flux', values: decodeArray(st.raw.flux), color: '#555' }],
      mask: st.raw.mask ? decodeArray(st.raw.mask) : undefined, marks: [st.raw.cut_from, st.raw.cut_to], zoom }));
  } else out.push(h('div', { class: 'panel missing', 'data-panel': 'raw' }, h('h3', {}, 'Raw input'), note(sp.raw_error ? `The raw file could not be read: ${sp.raw_error}` : 'The raw input is not in the report for this spectrum.')));
  if (st.cut) {
    out.push(plotPanel({ name: 'cut', title: 'After frame conversion and cut', x: decodeArray(st.cut.wave), lines: [{ label: 'flux', values: decodeArray(st.cut.flux), color: '#1f77b4' }], zoom }));
  } else out.push(missing('After frame conversion and cut'));
  if (st.resampled) {
    const lines = [{ label: 'resampled', values: decodeArray(st.resampled.flux), color: '#1f77b4' }];
    if (st.continuum) lines.push({ label: 'continuum', values: decodeArray(st.continuum.flux), color: '#ff7f0e' });
    out.push(plotPanel({ name: 'resampled', title: `Resampled on the grid${st.continuum ? ', fitted continuum over it' : ''}`, x: wave, lines,
      mask: st.resampled.mask ? decodeArray(st.resampled.mask) : undefined, zoom }));
  } else out.push(missing('Resampled, with the continuum'));
  if (st.normalised) {
    const lines = [{ label: 'normalised', values: decodeArray(st.normalised.flux), color: '#2ca02c' }];
    if (st.pca) lines.push({ label: 'PCA reconstruction', values: decodeArray(st.pca.flux), color: '#d62728' });
    out.push(plotPanel({ name: 'normalised', title: `Normalised${st.pca ? ', PCA reconstruction over it' : ''} (the row of dataset.h5)`, x: wave, lines,
      mask: st.normalised.mask ? decodeArray(st.normalised.mask) : undefined, zoom }));
  } else out.push(missing('Normalised'));
  return out;
}

async function somPart(app: App, sp: Spectrum, wave: Float64Array | Float32Array, zoom: ZoomGroup): Promise<HTMLElement[]> {
  if (!sp.som) return [];
  const s = sp.som;
  const about = section('SOM', facts([
    ['node', h('a', { href: `#/som/node/${s.bmu}` }, `node ${s.bmu}`)], ['distance to the node', fmt(s.distance)],
    ['outlier score', fmt(s.outlier_score)], ['outlier rank', s.outlier_rank >= 0 ? s.outlier_rank : '–'],
  ]));
  if (!app.overview.pages.som) return [about];
  const som = await app.data.load<Som>('som');
  const shard = await app.data.load<NodeShard>(nodeShardName(Math.floor(s.bmu / som.node_shards.per_shard)));
  const book = decodeArray(shard.codebook);
  const points = book.length / shard.members.length;
  if (points !== wave.length || !sp.stages.normalised) return [about];
  const panel = plotPanel({ name: 'codebook', title: `Normalised spectrum and the codebook vector of node ${s.bmu}`, x: wave, zoom, lines: [
    { label: 'normalised', values: decodeArray(sp.stages.normalised.flux), color: '#2ca02c' },
    { label: `node ${s.bmu}`, values: rowOf(book, points, s.bmu - shard.first), color: '#9467bd', width: 2 },
  ] });
  return [about, panel];
}

async function forestPart(app: App, sp: Spectrum): Promise<HTMLElement[]> {
  if (!sp.forest) return [];
  const f = sp.forest;
  const classes = app.overview.pages.forest ? (await app.data.load<Forest>('forest')).classes : f.probability.map((_, i) => `class ${i}`);
  return [section('Random forest', facts([['true class', f.true || '(unlabelled)'], ['predicted', f.predicted], ['fold', f.fold], ['estimate', f.estimate]]),
    table(['class', 'probability'], classes.map((c, i) => [c, fmt(f.probability[i])])))];
}

/** A search box that opens #/search/<text>. */
export function searchBox(initial = ''): HTMLElement {
  const input = h('input', { type: 'search', name: 'q', placeholder: 'search id, object or label', 'aria-label': 'search spectra', value: initial });
  const form = h('form', { class: 'search', role: 'search' }, input, h('button', { type: 'submit' }, 'search'));
  form.addEventListener('submit', (e) => { e.preventDefault(); location.hash = `#/search/${encodeURIComponent(input.value.trim())}`; });
  return form;
}

/** Renders the spectrum of dataset row `row`. */
export async function spectrumPage(app: App, row: number): Promise<HTMLElement[]> {
  const index = await app.data.load<SpectraIndex>('spectra/index');
  const at = positionOfRow(index, row);
  if (at < 0 || index.shard[at] < 0) return [section(`Spectrum of row ${row}`, note(`Row ${row} is not among the ${index.count} spectra this report includes.`, 'error'), searchBox())];
  const shard = await app.data.load<Shard>(shardName(index.shard[at]));
  const sp = shard.spectra.find((s) => s.row === row);
  if (!sp) return [section(`Spectrum of row ${row}`, note(`data/${shardName(index.shard[at])}.js does not hold row ${row}.`, 'error'))];
  const wave = decodeArray((await app.data.load<Grid>('grid')).wave) as Float64Array;
  const zoom = new ZoomGroup();
  const panels = stagePanels(sp, wave, zoom);
  const [somSections, forestSections] = await Promise.all([somPart(app, sp, wave, zoom), forestPart(app, sp)]);
  const somPanel = somSections.slice(1);
  return [
    h('div', { class: 'spectrum-head' }, navBar(app, index, row), searchBox()),
    section(`Spectrum ${sp.id}`, h('p', { class: 'hint' }, 'Drag across any panel to zoom all of them; double-click to zoom out.'),
      h('div', { class: 'spectrum' }, h('div', { class: 'stages' }, ...panels, ...somPanel),
        h('aside', { class: 'meta' }, metadata(sp),
          sampButton('spectrum', 'Send to TOPCAT / SPLAT', 'Send this spectrum to the SAMP clients that load spectra (SPLAT, TOPCAT)', () => app.samp.spectrum(sp)), ...somSections.slice(0, 1), ...forestSections))),
  ];
}

/** Renders the spectra whose id, object or label contains `text`. */
export async function searchPage(app: App, text: string): Promise<HTMLElement[]> {
  const index = await app.data.load<SpectraIndex>('spectra/index');
  const all = text.trim() === '';
  const hits = all ? index.row.map((_, i) => i) : searchIndex(index, text);
  const body = pagedList(app, {
    name: 'search', title: all ? 'all spectra in the report' : `search "${text}"`, count: hits.length,
    row: (i) => index.row[hits[i]], shard: (i) => index.shard[hits[i]],
    empty: `No spectrum in this report has "${text}" in its id, object or label.`,
    columns: [
      { title: 'id', value: (i) => index.id[hits[i]] }, { title: 'object', value: (i) => index.object[hits[i]] || '–' },
      { title: 'label', value: (i) => index.label[hits[i]] || '(unlabelled)' }, { title: 'row', value: (i) => index.row[hits[i]] },
    ],
  });
  const title = all ? `All ${index.count} spectra in the report` : `Search: ${text}`;
  return [section(title, searchBox(text), all ? h('p', { class: 'hint' }, 'Search by id, object name or label.') : null, body)];
}
