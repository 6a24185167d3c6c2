// Paged lists whose entries open the spectrum view.
import type { App } from '../app';
import type { SpectraIndex } from '../data/types';
import { pageOf } from '../logic/paging';
import { h, note } from './dom';
import { sampButton } from './sampButton';

export interface Column {
  title: string;
  value: (i: number) => string | number;
}

export interface ListSpec {
  /** A name for tests and styles (data-list attribute). */
  name: string;
  /** What the list is, shown in the spectrum view's previous/next bar. */
  title: string;
  count: number;
  row: (i: number) => number;
  /** The spectra shard of entry i (-1: not in the report, the entry does not open). */
  shard: (i: number) => number;
  columns: Column[];
  pageSize?: number;
  empty?: string;
}

/** A paged table of `spec`; clicking an entry opens #/spectrum/<row> with this list as context. */
export function pagedList(app: App, spec: ListSpec): HTMLElement {
  const box = h('div', { class: 'list', 'data-list': spec.name });
  if (spec.count === 0) {
    box.append(note(spec.empty ?? 'This list is empty.'));
    return box;
  }
  const size = spec.pageSize ?? 50;
  const rows: number[] = [];
  for (let i = 0; i < spec.count; i++) if (spec.shard(i) >= 0) rows.push(spec.row(i));
  const context = { title: spec.title, back: location.hash, rows };
  const samp = listSampButton(app, spec);
  const show = (page: number): void => {
    const p = pageOf(spec.count, size, page);
    box.replaceChildren(samp, table(app, spec, p.from, p.to, context), pager(p.page, p.pages, spec.count, show));
  };
  show(0);
  return box;
}

/** Sends every row of the list (all pages) as a selection in the report's table. */
function listSampButton(app: App, spec: ListSpec): HTMLElement {
  const all = Array.from({ length: spec.count }, (_, i) => spec.row(i));
  return sampButton('list', 'Send to TOPCAT', `Load the report's table of spectra in TOPCAT (SAMP) and select the ${spec.count} rows of this list`, async () => {
    const index = await app.data.load<SpectraIndex>('spectra/index');
    return app.samp.list(index.row, all, spec.title);
  });
}

function table(app: App, spec: ListSpec, from: number, to: number, context: App['list']): HTMLElement {
  const body = h('tbody');
  for (let i = from; i < to; i++) {
    const row = spec.row(i);
    const open = spec.shard(i) >= 0;
    const tr = h('tr', { 'data-row': row, class: open ? 'open' : 'closed', title: open ? null : 'not included in this report' });
    spec.columns.forEach((c, j) => {
      const v = String(c.value(i));
      tr.append(h('td', {}, j === 0 && open ? h('a', { href: `#/spectrum/${row}` }, v) : v));
    });
    if (open) {
      tr.addEventListener('click', (e) => {
        app.list = context;
        if ((e.target as HTMLElement).tagName !== 'A') location.hash = `#/spectrum/${row}`;
      });
    }
    body.append(tr);
  }
  return h('table', { class: 'grid clickable' }, h('thead', {}, h('tr', {}, ...spec.columns.map((c) => h('th', {}, c.title)))), body);
}

function pager(page: number, pages: number, count: number, show: (p: number) => void): HTMLElement {
  const bar = h('div', { class: 'pager' });
  const prev = h('button', { type: 'button', disabled: page === 0 }, '‹ previous');
  const next = h('button', { type: 'button', disabled: page + 1 >= pages }, 'next ›');
  prev.addEventListener('click', () => show(page - 1));
  next.addEventListener('click', () => show(page + 1));
  bar.append(prev, h('span', {}, `page ${page + 1} of ${pages} (${count} entries)`), next);
  return pages > 1 ? bar : h('div', { class: 'pager' }, h('span', {}, `${count} entries`));
}
