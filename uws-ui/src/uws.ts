// The UWS 1.1 client of the job page: HTTP Basic on every request, the service's XML read
// with DOMParser. Nothing here touches the page.

export const UWS_NS = 'http://www.ivoa.net/xml/UWS/v1.0';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

export interface JobRef {
  id: string;
  phase: string;
  runId: string;
  owner: string;
  created: string;
}

export interface Result {
  id: string;
  href: string;
  size: number;
}

export interface JobDoc extends JobRef {
  start: string;
  end: string;
  executionDuration: string;
  experiment: string;
  error: string;
  results: Result[];
}

/** A request the service refused: its status and its text/plain message. */
export class UwsError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

function text(parent: Element | Document, name: string): string {
  return parent.getElementsByTagNameNS(UWS_NS, name)[0]?.textContent ?? '';
}

function parse(xml: string): Document {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new UwsError(0, 'uws page: the service sent XML that does not parse');
  return doc;
}

/** Reads a `uws:jobs` document. */
export function parseJobList(xml: string): JobRef[] {
  const refs = Array.from(parse(xml).getElementsByTagNameNS(UWS_NS, 'jobref'));
  return refs.map((r) => ({
    id: r.getAttribute('id') ?? '',
    phase: text(r, 'phase'),
    runId: text(r, 'runId'),
    owner: text(r, 'ownerId'),
    created: text(r, 'creationTime'),
  }));
}

/** Reads a `uws:job` document. */
export function parseJob(xml: string): JobDoc {
  const doc = parse(xml);
  const params = Array.from(doc.getElementsByTagNameNS(UWS_NS, 'parameter'));
  const results = Array.from(doc.getElementsByTagNameNS(UWS_NS, 'result')).map((r) => ({
    id: r.getAttribute('id') ?? '',
    href: r.getAttributeNS(XLINK_NS, 'href') ?? '',
    size: Number(r.getAttribute('size') ?? -1),
  }));
  const summary = doc.getElementsByTagNameNS(UWS_NS, 'errorSummary')[0];
  return {
    id: text(doc, 'jobId'),
    phase: text(doc, 'phase'),
    runId: text(doc, 'runId'),
    owner: text(doc, 'ownerId'),
    created: text(doc, 'creationTime'),
    start: text(doc, 'startTime'),
    end: text(doc, 'endTime'),
    executionDuration: text(doc, 'executionDuration'),
    experiment: params.find((p) => p.getAttribute('id') === 'experiment')?.textContent ?? '',
    error: summary ? text(summary, 'message') : '',
    results,
  };
}

/** The report's entry page among a job's results, if the job has one. */
export function reportOf(results: Result[]): Result | undefined {
  return results.find((r) => /(^|\/)report\/index\.html$/.test(r.id));
}

/** The service at this page's origin, as one user. */
export class Client {
  private readonly auth: string;

  constructor(public readonly user: string, password: string) {
    this.auth = 'Basic ' + btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)));
  }

  /** Sends a request; returns the response or throws UwsError with the service's message. */
  async request(path: string, form?: Record<string, string>): Promise<Response> {
    const init: RequestInit = { headers: { Authorization: this.auth }, cache: 'no-store' };
    if (form) {
      init.method = 'POST';
      init.body = new URLSearchParams(form);
    }
    const res = await fetch(path, init);
    if (!res.ok) throw new UwsError(res.status, (await res.text()).trim() || `HTTP ${res.status}`);
    return res;
  }

  async whoami(): Promise<{ name: string; role: string }> {
    const [name, role] = (await (await this.request('/whoami')).text()).trim().split(/\s+/);
    return { name, role };
  }

  async list(): Promise<JobRef[]> {
    return parseJobList(await (await this.request('/jobs')).text());
  }

  async job(id: string): Promise<JobDoc> {
    return parseJob(await (await this.request(`/jobs/${id}`)).text());
  }

  /** POST /jobs; the 303 is followed, so the answer is the new job. */
  async create(form: Record<string, string>): Promise<JobDoc> {
    return parseJob(await (await this.request('/jobs', form)).text());
  }

  async setPhase(id: string, phase: string): Promise<void> {
    await this.request(`/jobs/${id}/phase`, { PHASE: phase });
  }

  async remove(id: string): Promise<void> {
    await this.request(`/jobs/${id}`, { ACTION: 'DELETE' });
  }

  /** The text of one of the job's results ('' when it does not exist yet). */
  async resultText(id: string, result: string): Promise<string> {
    try {
      return await (await this.request(`/jobs/${id}/results/${result}`)).text();
    } catch (e) {
      if (e instanceof UwsError && e.status === 404) return '';
      throw e;
    }
  }
}

/**
 * Puts the credentials into the browser's HTTP Basic cache for this origin (an XHR with a
 * user and password answers the service's 401 challenge), so that links the page opens in
 * a new tab (results, the report) need no second login. Resolves with the HTTP status.
 */
export function primeBasicAuth(user: string, password: string): Promise<number> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', '/whoami', true, user, password);
    xhr.onloadend = () => resolve(xhr.status);
    xhr.send();
  });
}
