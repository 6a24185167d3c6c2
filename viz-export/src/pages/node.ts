// One SOM node: its codebook vector with a sample of member spectra overlaid, its member
// list (each opening the spectrum view) and its neighbours.
import type { App } from '../app';
import type { Grid, NodeShard, Shard, Som, Spectrum } from '../data/types';
import { nodeShardName, shardName } from '../data/types';
import { decodeArray, rowOf } from '../logic/b64';
import { neighbours } from '../logic/grid';
import { fmt } from '../logic/stats';
import { facts, h, note, section } from '../ui/dom';
import { pagedList } from '../ui/list';
import { plotPanel, type Line } from '../ui/plot';
import { latticeOf, somMaps } from './som';

const kOverlaid = 8;

/** Loads the spectra of the given rows from their shards (each shard once). */
export async function spectraOf(app: App, rows: number[], shards: number[]): Promise<Spectrum[]> {
  const wanted = new Set(shards.filter((s) => s >= 0));
  const loaded = await Promise.all([...wanted].map((s) => app.data.load<Shard>(shardName(s))));
  const byRow = new Map<number, Spectrum>();
  for (const sh of loaded) for (const sp of sh.spectra) byRow.set(sp.row, sp);
  return rows.map((r) => byRow.get(r)).filter((s): s is Spectrum => s !== undefined);
}

async function codebookPanel(app: App, shard: NodeShard, k: number): Promise<HTMLElement> {
  const grid = await app.data.load<Grid>('grid');
  const wave = decodeArray(grid.wave);
  const codebook = rowOf(decodeArray(shard.codebook), wave.length, k - shard.first);
  const m = shard.members[k - shard.first];
  const pick = m.row.map((r, i) => ({ r, s: m.shard[i] })).filter((e) => e.s >= 0).slice(0, kOverlaid);
  const spectra = await spectraOf(app, pick.map((e) => e.r), pick.map((e) => e.s));
  const lines: Line[] = spectra
    .filter((sp) => sp.stages.normalised)
    .map((sp) => ({ label: sp.id, values: decodeArray(sp.stages.normalised!.flux), color: 'rgba(120,120,120,0.45)', width: 1 }));
  lines.push({ label: `codebook of node ${k}`, values: codebook, color: '#d62728', width: 2.2 });
  const shown = `${lines.length - 1} of ${m.count} member spectra overlaid (the closest first)`;
  return plotPanel({ title: `Codebook vector of node ${k}; ${shown}`, name: 'codebook', x: wave, lines, height: 260 });
}

function memberList(app: App, k: number, m: NodeShard['members'][number]): HTMLElement {
  const sample = m.count > m.row.length ? ` (a sample of ${m.row.length}, the closest first)` : '';
  return section(`Members of node ${k}: ${m.count} spectra${sample}`, pagedList(app, {
    name: 'members', title: `members of node ${k}`, count: m.row.length, row: (i) => m.row[i], shard: (i) => m.shard[i],
    empty: 'No spectrum has this node as its best-matching unit.',
    columns: [
      { title: 'id', value: (i) => m.id[i] }, { title: 'label', value: (i) => m.label[i] },
      { title: 'distance', value: (i) => fmt(m.distance[i]) }, { title: 'outlier score', value: (i) => fmt(m.outlier_score[i]) },
      { title: 'row', value: (i) => m.row[i] },
    ],
  }));
}

/** Renders the page of node k. */
export async function nodePage(app: App, k: number): Promise<HTMLElement[]> {
  if (!app.overview.pages.som) return [section('SOM node', note('This experiment has no SOM stage, so this page has no data.'))];
  const som = await app.data.load<Som>('som');
  const K = som.rows * som.cols;
  if (k >= K) return [section(`Node ${k}`, note(`The map has ${K} nodes (0 to ${K - 1}); there is no node ${k}.`, 'error'))];
  const shard = await app.data.load<NodeShard>(nodeShardName(Math.floor(k / som.node_shards.per_shard)));
  const m = shard.members[k - shard.first];
  const n = som.nodes;
  const near = neighbours(latticeOf(som), k);
  const links = h('p', { class: 'neighbours' }, 'Neighbouring nodes: ',
    ...near.map((j) => h('a', { href: `#/som/node/${j}`, 'data-node': j }, `${j} (${n.hits[j]})`)));
  const about = section(`Node ${k} (row ${n.row[k]}, column ${n.col[k]})`,
    facts([['spectra', m.count], ['U-matrix', fmt(n.umatrix[k])], ['density', fmt(n.density[k])], ['sparse', n.sparse[k] ? 'yes' : 'no']]),
    links, h('p', {}, h('a', { href: '#/som' }, '← back to the map')));
  return [about, section('Codebook and members', await codebookPanel(app, shard, k)), memberList(app, k, m), section('Map', somMaps(som, k))];
}
