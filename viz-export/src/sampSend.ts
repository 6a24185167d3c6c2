// "Send to TOPCAT / SPLAT": a spectrum to the clients that load spectra, a list as the rows of
// the report's table (data/spectra.vot) to the clients that load tables. Each action resolves
// to a one-line message for the page, or rejects with one.
import type { Spectrum } from './data/types';
import { SampClient } from './sampHub';
import { rowListMessage, spectrumMessage, spectrumUrl, tableLoadMessage, tableRowsOf } from './sampMessages';
import type { RpcValue } from './sampXmlrpc';

const kLoadSeconds = 60;

/** What a page sends over SAMP, with the clients that already hold the report's table. */
export class SampSender {
  /** "registration/client id" of the clients that loaded the table. */
  private readonly _tableLoaded = new Set<string>();

  /** `experiment` names the table; `tableUrl` is data/spectra.vot's absolute URL. */
  constructor(readonly client: SampClient, private readonly _experiment: string, private readonly _tableUrl: string) {}

  private async _names(ids: string[]): Promise<string> {
    return (await Promise.all(ids.map((id) => this.client.nameOf(id)))).join(', ');
  }

  /** Sends spectrum.load.ssa-generic of `sp` to every client subscribed to it. */
  async spectrum(sp: Spectrum): Promise<string> {
    const url = spectrumUrl(sp);
    if (!url) throw new Error(`The report does not know where the file of ${sp.id} is on this machine (path "${sp.path}"), so no SAMP client could load it.`);
    const ids = await this.client.subscribed('spectrum.load.ssa-generic');
    if (ids.length === 0) throw new Error('The SAMP hub has no client that loads spectra: start SPLAT or TOPCAT.');
    const message = spectrumMessage(sp, url);
    for (const id of ids) await this.client.notify(id, message);
    return `Sent ${sp.id} to ${await this._names(ids)}.`;
  }

  /** Loads the report's table into every table client that does not hold it yet (waiting for
   * each to finish), then selects the table rows of data set rows `rows` in them. */
  async list(indexRows: number[], rows: number[], title: string): Promise<string> {
    const picked = tableRowsOf(indexRows, rows);
    if (picked.rows.length === 0) throw new Error(`None of the spectra of ${title} are in the report's table (data/spectra.vot).`);
    const loaders = await this.client.subscribed('table.load.votable');
    if (loaders.length === 0) throw new Error('The SAMP hub has no client that loads tables: start TOPCAT.');
    const tableId = `vocloud-${this._experiment}-spectra`;
    const failed: string[] = [];
    const holds = (id: string): boolean => this._tableLoaded.has(`${this.client.registrations}/${id}`);
    for (const id of loaders.filter((c) => !holds(c))) {
      const why = await this._load(id, tableId);
      if (why) failed.push(`${await this.client.nameOf(id)}: ${why}`);
      else this._tableLoaded.add(`${this.client.registrations}/${id}`);
    }
    const selectors = (await this.client.subscribed('table.select.rowList')).filter(holds);
    const message = rowListMessage(this._tableUrl, tableId, picked.rows);
    for (const id of selectors) await this.client.notify(id, message);
    if (selectors.length === 0) throw new Error(`No SAMP client holds the report's table to select the rows in${failed.length ? ` (${failed.join('; ')})` : ''}.`);
    const skipped = picked.missing ? `; ${picked.missing} of its spectra are not in the report's table` : '';
    const problems = failed.length ? `; not loaded by ${failed.join('; ')}` : '';
    return `Selected the ${picked.rows.length} spectra of ${title} in ${await this._names(selectors)}${skipped}${problems}.`;
  }

  /** Asks client `id` to load the table; "" when it did, else why not. */
  private async _load(id: string, tableId: string): Promise<string> {
    let reply: RpcValue;
    try {
      reply = await this.client.callAndWait(id, tableLoadMessage(this._tableUrl, tableId, `${this._experiment} spectra (vocloud)`), kLoadSeconds);
    } catch (e) {
      return (e as Error).message;
    }
    const r = (reply ?? {}) as { [k: string]: RpcValue };
    if (r['samp.status'] === 'samp.error') {
      const err = (r['samp.error'] ?? {}) as { [k: string]: RpcValue };
      return String(err['samp.errortxt'] ?? 'it answered samp.error');
    }
    return '';
  }
}
