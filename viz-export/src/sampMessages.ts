// The SAMP messages the report sends (pure: no hub, no DOM): a spectrum as
// spectrum.load.ssa-generic, a list as table.load.votable of data/spectra.vot followed by
// table.select.rowList of the list's rows in that table.
import type { Spectrum } from './data/types';
import type { SampValue } from './sampXmlrpc';

/** A SAMP message: its MType and parameters (SAMP values: strings, lists, maps). */
export interface SampMessage {
  'samp.mtype': string;
  'samp.params': { [key: string]: SampValue };
}

/** The file:// URL of an absolute path (bytes outside RFC 3986's unreserved set and '/'
 * percent-encoded, as the report's writer does). */
export function fileUrlOf(path: string): string {
  const bytes = new TextEncoder().encode(path);
  let out = 'file://';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~/]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Where a client can load the spectrum from: its source URL, else its file's file:// URL;
 * "" when the report knows neither. */
export function spectrumUrl(sp: Pick<Spectrum, 'source_url' | 'file_url' | 'path'>): string {
  if (sp.source_url) return asciiUrl(sp.source_url);
  if (sp.file_url) return asciiUrl(sp.file_url);
  return sp.path.startsWith('/') ? fileUrlOf(sp.path) : '';
}

/** `url` with every character outside printable ASCII percent-encoded (SAMP strings are ASCII). */
export function asciiUrl(url: string): string {
  return url.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

/** The MIME type SSA's Access.Format gives a spectrum file, from its name ("" unknown). */
export function formatOf(url: string): string {
  const name = url.split(/[?#]/)[0].toLowerCase();
  if (/\.(fits?|fts)(\.(gz|z|bz2))?$/.test(name)) return 'application/fits';
  if (/\.(vot|xml)(\.gz)?$/.test(name)) return 'application/x-votable+xml';
  return '';
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** spectrum.load.ssa-generic for spectrum `sp` at `url`, with the SSA metadata the report has. */
export function spectrumMessage(sp: Spectrum, url: string): SampMessage {
  const meta: { [key: string]: string } = { 'ssa:Access.Reference': url, 'ssa:DataID.Title': sp.id, 'ssa:DataID.CreatorDID': sp.id };
  const format = formatOf(url) || formatOf(sp.path);
  if (format) meta['ssa:Access.Format'] = format;
  if (sp.object) meta['ssa:Target.Name'] = sp.object;
  if (finite(sp.ra) && finite(sp.dec)) meta['ssa:Target.Pos'] = `${sp.ra} ${sp.dec}`;
  if (finite(sp.z)) meta['ssa:Target.Redshift'] = String(sp.z);
  if (sp.label) meta['ssa:Target.Class'] = sp.label;
  return { 'samp.mtype': 'spectrum.load.ssa-generic', 'samp.params': { url, meta, 'spectrum-id': url, name: sp.id } };
}

/** table.load.votable of the report's table at `url`. */
export function tableLoadMessage(url: string, tableId: string, name: string): SampMessage {
  return { 'samp.mtype': 'table.load.votable', 'samp.params': { url, 'table-id': tableId, name } };
}

/** table.select.rowList of rows `rows` (0-based) of the table at `url`. */
export function rowListMessage(url: string, tableId: string, rows: number[]): SampMessage {
  return { 'samp.mtype': 'table.select.rowList', 'samp.params': { url, 'table-id': tableId, 'row-list': rows.map(String) } };
}

/** The rows of data/spectra.vot (positions in spectra/index) of the data set rows `rows`, in
 * the list's order; `missing` counts the rows the table does not hold. */
export function tableRowsOf(indexRows: number[], rows: number[]): { rows: number[]; missing: number } {
  const at = new Map<number, number>();
  indexRows.forEach((r, i) => at.set(r, i));
  const out: number[] = [];
  for (const r of rows) {
    const i = at.get(r);
    if (i !== undefined) out.push(i);
  }
  return { rows: out, missing: rows.length - out.length };
}
