// A SAMP Web Profile client (SAMP 1.3, section 5): XML-RPC over HTTP to the hub's web port.
// The page registers on first use (the hub asks the user to accept), then sends messages.
import type { SampMessage } from './sampMessages';
import { decodeResponse, encodeCall, RpcFault, type RpcValue, type SampValue } from './sampXmlrpc';

/** The Web Profile's well-known address (SAMP 1.3, 5.2). */
export const kWebHubUrl = 'http://127.0.0.1:21012/';

/** A fault that says the hub no longer knows the private key (astropy: "Private-key ... expired or
 * invalid"; JSAMP: "Unknown/unregistered client"): register again. */
const kForgotten = /private.key|expired|invalid|unknown|unregistered|not registered/i;

/** Why a page opened from disk got no answer: no hub, or a hub that refuses the origin "null"
 * of file:// pages (JSAMP's, i.e. TOPCAT's and SPLAT's, does; the browser cannot tell which). */
const kFromDisk = (url: string): string =>
  `No SAMP hub answered at ${url}, or it refused this page because it was opened from disk (TOPCAT's and SPLAT's hub do). ` +
  'Start TOPCAT or SPLAT and open the report from a local web server: python3 -m http.server -d REPORT_FOLDER 8000, then http://localhost:8000/.';

/** No hub answered: nothing to send to (a message for the page). */
export class SampUnavailable extends Error {}

/** What the hub answered a registration: the keys the page uses. */
interface Registration {
  privateKey: string;
  selfId: string;
}

/** One page's connection to the hub: registers once, re-registers when the hub forgot it. */
export class SampClient {
  private _registration: Promise<Registration> | null = null;
  private _registrations = 0;

  /** `name` is the samp.name the hub and the user see. */
  constructor(private readonly _name: string, private readonly _url = kWebHubUrl) {}

  /** The hub's answer to `method`; throws SampUnavailable when no hub answers, RpcFault for a fault. */
  private async _rpc(method: string, params: SampValue[]): Promise<RpcValue> {
    let res: Response;
    try {
      res = await fetch(this._url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: encodeCall(method, params) });
    } catch {
      throw new SampUnavailable(location.protocol === 'file:' ? kFromDisk(this._url) : `No SAMP hub answered at ${this._url}: start TOPCAT or SPLAT (each runs a hub with the Web Profile) and try again.`);
    }
    if (!res.ok) throw new Error(`samp: the hub answered ${method} with HTTP ${res.status}`);
    return decodeResponse(await res.text(), new DOMParser());
  }

  private async _register(): Promise<Registration> {
    let map: RpcValue;
    try {
      map = await this._rpc('samp.webhub.register', [{ 'samp.name': this._name }]);
    } catch (e) {
      if (e instanceof RpcFault) throw new Error(`The SAMP hub refused this page's registration: ${e.message}`);
      throw e;
    }
    const m = (map ?? {}) as { [k: string]: RpcValue };
    const privateKey = String(m['samp.private-key'] ?? '');
    if (!privateKey) throw new Error('samp: the hub accepted the registration but gave no samp.private-key');
    await this._rpc('samp.webhub.declareMetadata', [privateKey, {
      'samp.name': this._name, 'samp.description.text': 'vocloud report: sends spectra and tables of an experiment',
    }]);
    this._registrations++;
    return { privateKey, selfId: String(m['samp.self-id'] ?? '') };
  }

  /** How many times the page registered: client ids are only meaningful within one registration
   * (a restarted hub may give a new client an old id). */
  get registrations(): number {
    return this._registrations;
  }

  /** Calls a samp.webhub method with the private key first; registers first when needed and
   * once more when the hub no longer knows the key (it restarted). */
  async call(method: string, params: SampValue[]): Promise<RpcValue> {
    const fresh = this._registration === null;
    for (let attempt = 0; ; attempt++) {
      if (!this._registration) {
        this._registration = this._register();
        this._registration.catch(() => { this._registration = null; });
      }
      const { privateKey } = await this._registration;
      try {
        return await this._rpc(`samp.webhub.${method}`, [privateKey, ...params]);
      } catch (e) {
        if (!(e instanceof RpcFault) || fresh || attempt > 0 || !kForgotten.test(e.message)) throw e;
        this._registration = null;
      }
    }
  }

  /** The ids of the clients subscribed to `mtype`. */
  async subscribed(mtype: string): Promise<string[]> {
    const map = await this.call('getSubscribedClients', [mtype]);
    return map && typeof map === 'object' && !Array.isArray(map) ? Object.keys(map) : [];
  }

  /** The samp.name of client `id` (its id when it declared none). */
  async nameOf(id: string): Promise<string> {
    try {
      const meta = (await this.call('getMetadata', [id])) as { [k: string]: RpcValue } | null;
      return String(meta?.['samp.name'] ?? '') || id;
    } catch {
      return id;
    }
  }

  /** Sends `message` to client `id` without waiting for its reply. */
  async notify(id: string, message: SampMessage): Promise<void> {
    await this.call('notify', [id, message as unknown as SampValue]);
  }

  /** Sends `message` to client `id` and waits (at most `seconds`) for its reply. */
  async callAndWait(id: string, message: SampMessage, seconds: number): Promise<RpcValue> {
    return this.call('callAndWait', [id, message as unknown as SampValue, String(seconds)]);
  }

  /** Unregisters (when registered), e.g. when the page closes; never throws. */
  unregister(): void {
    const registration = this._registration;
    this._registration = null;
    if (!registration) return;
    registration.then((r) => fetch(this._url, {
      method: 'POST', keepalive: true, headers: { 'Content-Type': 'text/xml' },
      body: encodeCall('samp.webhub.unregister', [r.privateKey]),
    })).catch(() => undefined);
  }
}
