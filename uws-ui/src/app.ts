// The job page of vocloud-uws: log in, list jobs (phases in colour), create from YAML, act
// on a job, tail its logs, open its results and report. Everything goes through the UWS
// 1.1 service at this page's origin (uws.ts).
import { byId, button, el, phaseBadge } from './dom.js';
import { parseProblems, tail } from './problems.js';
import { Client, JobDoc, JobRef, UwsError, primeBasicAuth, reportOf } from './uws.js';

const LIST_POLL_MS = 1500;
const JOB_POLL_MS = 1000;
const LOG_LINES = 200;
const FINAL = new Set(['COMPLETED', 'ERROR', 'ABORTED', 'ARCHIVED']);

interface State {
  client: Client | null;
  supervisor: boolean;
  selected: string;
  copyFrom: string; // the job a resend copies, '' for a new job
  timers: number[];
}

const state: State = { client: null, supervisor: false, selected: '', copyFrom: '', timers: [] };

function message(text: string, kind: 'info' | 'error' = 'info'): void {
  const m = byId('message');
  m.textContent = text;
  m.className = kind;
}

function fail(e: unknown): void {
  message(e instanceof Error ? e.message : String(e), 'error');
}

async function login(ev: Event): Promise<void> {
  ev.preventDefault();
  const user = byId<HTMLInputElement>('user').value.trim();
  const password = byId<HTMLInputElement>('password').value;
  const status = await primeBasicAuth(user, password);
  if (status !== 200) {
    byId('login-error').textContent = status === 401 ? 'Wrong user name or password.' : `The service answered ${status}.`;
    return;
  }
  const client = new Client(user, password);
  const me = await client.whoami();
  state.client = client;
  state.supervisor = me.role === 'supervisor';
  byId('login-error').textContent = '';
  byId('who').textContent = `${me.name} (${me.role})`;
  document.body.classList.toggle('supervisor', state.supervisor);
  await refreshList();
  document.body.dataset.state = 'in';
  state.timers.push(window.setInterval(() => void refreshList().catch(fail), LIST_POLL_MS));
  state.timers.push(window.setInterval(() => void refreshJob().catch(fail), JOB_POLL_MS));
}

function logout(): void {
  state.timers.forEach((t) => clearInterval(t));
  Object.assign(state, { client: null, supervisor: false, selected: '', copyFrom: '', timers: [] });
  byId<HTMLInputElement>('password').value = '';
  document.body.dataset.state = 'out';
}

function jobRow(job: JobRef): HTMLTableRowElement {
  const row = el(
    'tr',
    { 'data-job': job.id, class: job.id === state.selected ? 'selected' : '' },
    el('td', { 'data-label': 'job' }, el('code', {}, job.id)),
    el('td', { 'data-label': 'run' }, job.runId),
    state.supervisor && el('td', { 'data-label': 'owner', class: 'owner' }, job.owner),
    el('td', { 'data-label': 'phase' }, phaseBadge(job.phase)),
    el('td', { 'data-label': 'created' }, job.created.replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
  );
  row.addEventListener('click', () => void select(job.id));
  return row;
}

async function refreshList(): Promise<void> {
  if (!state.client) return;
  const jobs = await state.client.list();
  jobs.sort((a, b) => b.created.localeCompare(a.created));
  const head = el('tr', {}, el('th', {}, 'job'), el('th', {}, 'run'), state.supervisor && el('th', {}, 'owner'),
    el('th', {}, 'phase'), el('th', {}, 'created'));
  byId('jobs').replaceChildren(el('thead', {}, head), el('tbody', {}, ...jobs.map(jobRow)));
  byId('jobs-empty').hidden = jobs.length > 0;
}

async function select(id: string): Promise<void> {
  state.selected = id;
  document.querySelectorAll('#jobs tr[data-job]').forEach((r) => r.classList.toggle('selected', (r as HTMLElement).dataset.job === id));
  await refreshJob(true);
  byId('job').scrollIntoView({ block: 'nearest' });
}

function actions(job: JobDoc): HTMLElement {
  const act = (label: string, f: () => Promise<unknown>) =>
    button(label, () => void f().then(() => Promise.all([refreshList(), refreshJob(true)])).catch(fail), { 'data-action': label });
  const c = state.client as Client;
  const p = job.phase;
  return el('div', { class: 'actions', 'data-job': job.id },
    p === 'PENDING' && act('run', () => c.setPhase(job.id, 'RUN')),
    p === 'EXECUTING' && act('suspend', () => c.setPhase(job.id, 'SUSPEND')),
    p === 'SUSPENDED' && act('resume', () => c.setPhase(job.id, 'RESUME')),
    !FINAL.has(p) && act('abort', () => c.setPhase(job.id, 'ABORT')),
    act('re-run', async () => {
      const copy = await c.create({ COPY: job.id, PHASE: 'RUN' });
      state.selected = copy.id;
    }),
    button('copy & edit', () => copyAndEdit(job), { 'data-action': 'copy & edit' }),
    act('delete', async () => {
      if (!window.confirm(`Delete job ${job.id} and all its files?`)) return;
      // No request for this job after it is gone (each would be a 404 in the console): stop
      // polling it, and let a poll already sent be answered first.
      state.selected = '';
      await jobPolled();
      await c.remove(job.id);
    }),
  );
}

function results(job: JobDoc): HTMLElement {
  const report = reportOf(job.results);
  const links = job.results.map((r) =>
    el('li', {}, el('a', { href: r.href, target: '_blank', rel: 'noopener' }, r.id), r.size >= 0 ? ` (${r.size} B)` : ''));
  return el('div', { class: 'results' },
    report && el('a', { href: report.href, target: '_blank', rel: 'noopener', class: 'report-link' }, 'open the report'),
    el('details', {}, el('summary', {}, `results (${job.results.length})`), el('ul', {}, ...links)));
}

// The selected job's polls run one after another (never two at once), so an action can wait
// until the last one sent has been answered.
let jobPolls: Promise<void> = Promise.resolve();
let jobPollsWaiting = 0;

function refreshJob(force = false): Promise<void> {
  if (!force && jobPollsWaiting > 0) return jobPolls;  // a timer tick while one is still out
  jobPollsWaiting++;
  const next = jobPolls.catch(() => undefined).then(() => loadJob(force)).finally(() => void jobPollsWaiting--);
  jobPolls = next;
  return next;
}

function jobPolled(): Promise<void> {
  return jobPolls.catch(() => undefined);
}

async function loadJob(force: boolean): Promise<void> {
  const c = state.client;
  const panel = byId('job');
  if (!c || !state.selected) return void (panel.hidden = true);
  const shown = panel.dataset.job === state.selected ? panel.dataset.phase : '';
  let job: JobDoc;
  try {
    job = await c.job(state.selected);
  } catch (e) {
    if (e instanceof UwsError && e.status === 404) return void ((state.selected = ''), (panel.hidden = true));
    throw e;
  }
  // Another job may have been selected while this one was fetched: drop the stale answer.
  if (job.id !== state.selected) return;
  panel.hidden = false;
  if (force || shown !== job.phase || job.results.length !== Number(panel.dataset.results)) {
    panel.dataset.job = job.id;
    panel.dataset.phase = job.phase;
    panel.dataset.results = String(job.results.length);
    byId('job-head').replaceChildren(el('code', {}, job.id), ' ', phaseBadge(job.phase), job.runId && ` ${job.runId}`);
    byId('job-times').textContent = `created ${job.created}` + (job.start ? `, started ${job.start}` : '') + (job.end ? `, ended ${job.end}` : '');
    byId('job-error').textContent = job.error;
    byId('job-actions').replaceChildren(actions(job));
    byId('job-results').replaceChildren(results(job));
  }
  // The logs grow while the job runs: tail them on every poll; once more after the end.
  if (!FINAL.has(job.phase) || force || shown !== job.phase) {
    const has = (name: string) => job.results.some((r) => r.id === name);
    const read = (name: string) => (has(name) ? c.resultText(job.id, name) : Promise.resolve(''));
    const [out, err] = await Promise.all([read('stdout.log'), read('stderr.log')]);
    if (job.id !== state.selected) return;
    byId('log-stdout').textContent = tail(out, LOG_LINES);
    byId('log-stderr').textContent = tail(err, LOG_LINES);
  }
}

function copyAndEdit(job: JobDoc): void {
  state.copyFrom = job.id;
  byId<HTMLTextAreaElement>('yaml').value = job.experiment;
  byId<HTMLInputElement>('runid').value = job.runId;
  byId('copy-note').textContent = `editing a copy of ${job.id}: "create" sends it as a new job`;
  byId('create').scrollIntoView({ block: 'start' });
  showProblems([]);
}

function showProblems(problems: ReturnType<typeof parseProblems>): void {
  const lines = byId<HTMLTextAreaElement>('yaml').value.split('\n');
  const items = problems.map((p) => {
    const where = p.line ? `line ${p.line}:${p.col}` : '';
    const li = el('li', { 'data-line': String(p.line) }, where && el('strong', {}, where), where && ' ', p.message,
      p.line > 0 && p.line <= lines.length && el('pre', { class: 'source' }, `${p.line} | ${lines[p.line - 1]}`));
    li.addEventListener('click', () => goToLine(p.line, p.col));
    return li;
  });
  byId('problems').replaceChildren(...items);
  byId('problems').hidden = problems.length === 0;
}

function goToLine(line: number, col: number): void {
  const area = byId<HTMLTextAreaElement>('yaml');
  const before = area.value.split('\n').slice(0, Math.max(0, line - 1));
  const start = before.reduce((n, l) => n + l.length + 1, 0) + Math.max(0, col - 1);
  area.focus();
  area.setSelectionRange(start, start);
}

async function create(run: boolean): Promise<void> {
  const c = state.client;
  if (!c) return;
  const form: Record<string, string> = { experiment: byId<HTMLTextAreaElement>('yaml').value };
  const runId = byId<HTMLInputElement>('runid').value.trim();
  if (runId) form.RUNID = runId;
  if (state.copyFrom) form.COPY = state.copyFrom;
  if (run) form.PHASE = 'RUN';
  try {
    const job = await c.create(form);
    showProblems([]);
    state.copyFrom = '';
    byId('copy-note').textContent = '';
    message(`created job ${job.id}`);
    await refreshList();
    await select(job.id);
  } catch (e) {
    if (e instanceof UwsError && e.status === 400) {
      showProblems(parseProblems(e.message));
      message('the service refused the experiment: see the problems below the text', 'error');
    } else fail(e);
  }
}

function upload(): void {
  const file = byId<HTMLInputElement>('yaml-file').files?.[0];
  if (file) void file.text().then((t) => { byId<HTMLTextAreaElement>('yaml').value = t; showProblems([]); });
}

function main(): void {
  byId('login').addEventListener('submit', (ev) => void login(ev).catch(fail));
  byId('logout').addEventListener('click', logout);
  byId('create-only').addEventListener('click', () => void create(false));
  byId('create-run').addEventListener('click', () => void create(true));
  byId('yaml-file').addEventListener('change', upload);
  byId('new-job').addEventListener('click', () => {
    state.copyFrom = '';
    byId('copy-note').textContent = '';
    byId<HTMLTextAreaElement>('yaml').value = '';
    byId<HTMLInputElement>('runid').value = '';
    showProblems([]);
  });
  document.body.dataset.state = 'out';
}

main();
