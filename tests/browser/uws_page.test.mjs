// Browser test of the job page of vocloud-uws (uws-ui/): headless Chromium (playwright-core,
// Debian's /usr/bin/chromium) at desktop size and at 390 x 844 against a running service.
// Every phase the page shows is checked against GET /jobs/<id>/phase and against the colour
// docs/uws.md gives that phase (the table below, not read from the page's stylesheet).
//
// usage: node uws_page.test.mjs BASE_URL SCREENSHOT_DIR   (users demo/demo-pw, admin/admin-pw)
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../viz-export/package.json'));
const { chromium } = require('playwright-core');

const [base, shotDir] = process.argv.slice(2);
if (!shotDir) throw new Error('usage: node uws_page.test.mjs BASE_URL SCREENSHOT_DIR');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`browser: no Chromium at ${executablePath}`);
mkdirSync(shotDir, { recursive: true });

// docs/uws.md, "The job page": the colour of each phase's badge.
const COLOURS = {
  PENDING: 'rgb(107, 114, 128)', QUEUED: 'rgb(14, 116, 144)', EXECUTING: 'rgb(29, 78, 216)',
  COMPLETED: 'rgb(21, 128, 61)', ERROR: 'rgb(185, 28, 28)', ABORTED: 'rgb(194, 65, 12)',
  SUSPENDED: 'rgb(126, 34, 206)', HELD: 'rgb(161, 98, 7)',
};
const FINAL = ['COMPLETED', 'ERROR', 'ABORTED'];

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

const auth = (user) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${user}-pw`).toString('base64') });
async function serverPhase(id) {
  const r = await fetch(`${base}/jobs/${id}/phase`, { headers: auth('demo') });
  return (await r.text()).trim();
}
async function serverExperiment(id) {
  const r = await fetch(`${base}/jobs/${id}/parameters`, { headers: auth('demo') });
  return r.text();
}
async function serverLog(id, name) {
  const r = await fetch(`${base}/jobs/${id}/results/${name}`, { headers: auth('demo') });
  return r.ok ? r.text() : '';
}

const small = (name, epochs) => `experiment: ${name}
stages: [synth, preprocess, som, report]
synth:
  count: 300
  seed: 7
preprocess:
  input: synth
  lambda_min: 6300
  lambda_max: 6700
  points: 200
som:
  rows: 4
  cols: 4
  epochs: ${epochs}
`;
// Line 4 holds the misspelt key, at column 3.
const BAD = 'experiment: bad\nstages: [synth]\nsynth:\n  cuont: 50\n  seed: 1\n';
// Runs long enough to be aborted (it is never let finish).
const LONG = `experiment: long
stages: [synth, preprocess, som]
synth:
  count: 20000
  seed: 3
preprocess:
  input: synth
  lambda_min: 6300
  lambda_max: 6700
  points: 800
som:
  rows: 30
  cols: 30
  epochs: 400
`;

const problems = [];
function watch(page, allowed = () => false) {
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !allowed(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}
// The refusals a step provokes on purpose (wrong password, bad YAML) show as failed loads.
let expectRefusal = null;
const refusalAllowed = (text) => expectRefusal !== null && text.includes(`status of ${expectRefusal}`);

async function shot(page, tag, name) {
  await page.screenshot({ path: join(shotDir, `${tag}-${name}.png`), fullPage: true });
}

/** The badge of the job panel: its phase text and computed colour. */
async function panelBadge(page) {
  // One evaluation: the panel is redrawn between polls, so a handle could be detached.
  return page.evaluate(() => {
    const b = document.querySelector('#job-head .phase');
    return { text: b?.textContent ?? '', colour: b ? getComputedStyle(b).backgroundColor : '' };
  });
}

async function panelJob(page) {
  return page.$eval('#job', (e) => e.dataset.job);
}

/** Waits until the panel shows a final phase; returns every phase (with colour) it showed. */
async function followPhases(page, seconds) {
  const seen = [];
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const b = await panelBadge(page);
    if (b.text && (!seen.length || seen[seen.length - 1].text !== b.text)) seen.push(b);
    if (FINAL.includes(b.text)) return seen;
    await page.waitForTimeout(100);
  }
  return seen;
}

async function login(page, tag) {
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.body.dataset.state === 'out');
  await shot(page, tag, '01-login');
  expectRefusal = 401;
  await page.fill('#user', 'demo');
  await page.fill('#password', 'wrong');
  await page.click('#login button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  check(await page.$eval('body', (b) => b.dataset.state === 'out'), `${tag}: a wrong password is refused`);
  expectRefusal = null;
  await page.fill('#password', 'demo-pw');
  await page.click('#login button[type=submit]');
  await page.waitForFunction(() => document.body.dataset.state === 'in');
  check((await page.textContent('#who')).includes('demo (user)'), `${tag}: logged in as demo`);
  check(await page.$eval('#jobs', (t) => t.querySelectorAll('th').length > 0 && ![...t.querySelectorAll('th')].some((th) => th.textContent === 'owner')),
    `${tag}: no owner column for a user`);
}

async function badYaml(page, tag) {
  expectRefusal = 400;
  if (tag === 'phone') {  // uploaded from a file on the phone, pasted on the desktop
    await page.setInputFiles('#yaml-file', { name: 'bad.yaml', mimeType: 'text/yaml', buffer: Buffer.from(BAD) });
    await page.waitForFunction((want) => document.getElementById('yaml').value === want, BAD);
  } else {
    await page.fill('#yaml', BAD);
  }
  await page.click('#create-only');
  await page.waitForSelector('#problems li[data-line="4"]');
  const item = await page.textContent('#problems li[data-line="4"]');
  check(item.includes('line 4:3') && item.includes("synth.cuont"), `${tag}: the bad key is shown at line 4:3: ${item}`);
  check((await page.textContent('#problems li[data-line="4"] pre.source')).includes('4 |   cuont: 50'), `${tag}: the bad line's text is shown`);
  await shot(page, tag, '02-bad-yaml');
  expectRefusal = null;
}

async function goodJob(page, tag) {
  await page.click('#new-job');
  await page.fill('#yaml', small(`small-${tag}`, 2));
  await page.fill('#runid', `page-${tag}`);
  await page.click('#create-only');
  await page.waitForFunction(() => document.querySelector('#job')?.dataset.phase === 'PENDING');
  const id = await panelJob(page);
  check(await serverPhase(id) === 'PENDING', `${tag}: the new job ${id} is PENDING on the server`);
  check((await panelBadge(page)).colour === COLOURS.PENDING, `${tag}: PENDING in its colour`);
  check(await page.isVisible(`#jobs tr[data-job="${id}"]`), `${tag}: the job is in the list`);
  await page.click('#job-actions [data-action=run]');
  const seen = await followPhases(page, 90);
  for (const s of seen) check(COLOURS[s.text] === s.colour, `${tag}: ${s.text} shown in ${s.colour} (docs: ${COLOURS[s.text]})`);
  check(seen.some((s) => s.text === 'QUEUED' || s.text === 'EXECUTING'), `${tag}: the page showed the job queued or executing: ${seen.map((s) => s.text)}`);
  const last = seen[seen.length - 1]?.text;
  check(last === 'COMPLETED' && await serverPhase(id) === 'COMPLETED', `${tag}: COMPLETED on the page and on the server`);
  await page.waitForFunction((jid) => document.querySelector(`#jobs tr[data-job="${jid}"] .phase`)?.textContent === 'COMPLETED', id, { timeout: 5000 }).catch(() => {});
  const rowBadge = await page.evaluate((jid) => {
    const b = document.querySelector(`#jobs tr[data-job="${jid}"] .phase`);
    return { text: b?.textContent ?? '', colour: b ? getComputedStyle(b).backgroundColor : '' };
  }, id);
  check(rowBadge.colour === COLOURS[rowBadge.text], `${tag}: the list row's badge matches its phase's colour`);
  const out = (await serverLog(id, 'stdout.log')).trimEnd().split('\n').slice(-200).join('\n');
  await page.waitForFunction((want) => document.getElementById('log-stdout').textContent === want, out, { timeout: 5000 }).catch(() => {});
  check(out.length > 0 && (await page.textContent('#log-stdout')) === out, `${tag}: the log tail is the end of stdout.log`);
  await shot(page, tag, '03-completed');
  return id;
}

async function openReport(page, tag) {
  const link = page.locator('#job-results a.report-link');
  check(await link.count() === 1, `${tag}: the completed job links its report`);
  const [report] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  watch(report);
  await report.waitForFunction(() => document.getElementById('app')?.dataset.state === 'ready', null, { timeout: 20000 });
  check((await report.title()).length > 0, `${tag}: the report opens (${await report.title()})`);
  await report.waitForTimeout(300);
  await report.screenshot({ path: join(shotDir, `${tag}-04-report.png`) });
  await report.close();
}

async function abortRunning(page, tag) {
  await page.click('#new-job');
  await page.fill('#yaml', LONG);
  await page.click('#create-run');
  await page.waitForFunction(() => document.querySelector('#job')?.dataset.phase === 'EXECUTING', null, { timeout: 30000 });
  const id = await panelJob(page);
  check(await serverPhase(id) === 'EXECUTING', `${tag}: the long job is EXECUTING on the server`);
  check((await panelBadge(page)).colour === COLOURS.EXECUTING, `${tag}: EXECUTING in its colour`);
  // The live tail: the run's log lines appear while it executes.
  await page.waitForFunction(() => document.getElementById('log-stderr').textContent.includes('stage synth'), null, { timeout: 30000 });
  check(await serverPhase(id) === 'EXECUTING', `${tag}: the log tail shows the run while it executes`);
  await shot(page, tag, '05-executing');
  await page.click('#job-actions [data-action=suspend]');
  await page.waitForFunction(() => document.querySelector('#job')?.dataset.phase === 'SUSPENDED', null, { timeout: 15000 });
  check(await serverPhase(id) === 'SUSPENDED' && (await panelBadge(page)).colour === COLOURS.SUSPENDED, `${tag}: suspend: SUSPENDED on the server, in its colour`);
  await shot(page, tag, '05b-suspended');
  await page.click('#job-actions [data-action=resume]');
  await page.waitForFunction(() => document.querySelector('#job')?.dataset.phase === 'EXECUTING', null, { timeout: 15000 });
  check(await serverPhase(id) === 'EXECUTING', `${tag}: resume: EXECUTING again on the server`);
  await page.click('#job-actions [data-action=abort]');
  const seen = await followPhases(page, 30);
  const last = seen[seen.length - 1];
  check(last?.text === 'ABORTED' && await serverPhase(id) === 'ABORTED', `${tag}: ABORTED on the page and on the server`);
  check(last?.colour === COLOURS.ABORTED, `${tag}: ABORTED in its colour`);
  await shot(page, tag, '06-aborted');
}

async function copyEditResend(page, tag, oldId) {
  await page.click(`#jobs tr[data-job="${oldId}"]`);
  await page.waitForFunction((id) => document.querySelector('#job')?.dataset.job === id, oldId);
  await page.click('#job-actions [data-action="copy & edit"]');
  const text = await page.inputValue('#yaml');
  check(text === await parameterText(oldId), `${tag}: copy & edit loads the old job's experiment`);
  await page.fill('#yaml', text.replace('epochs: 2', 'epochs: 3'));
  await shot(page, tag, '07-copy-edit');
  await page.click('#create-only');
  await page.waitForFunction((id) => { const j = document.querySelector('#job'); return j?.dataset.job && j.dataset.job !== id && j.dataset.phase === 'PENDING'; }, oldId);
  const newId = await panelJob(page);
  check((await parameterText(newId)).includes('epochs: 3') && (await parameterText(oldId)).includes('epochs: 2'),
    `${tag}: the resent job ${newId} has the edited experiment, the old one is unchanged`);
  check(await page.isVisible(`#jobs tr[data-job="${oldId}"]`), `${tag}: the old job is still listed`);
}

// Valid for the service's check, but the run fails: preprocess reads a synth never run.
const FAILS = 'experiment: fails\nstages: [preprocess]\npreprocess:\n  input: synth\n  lambda_min: 6300\n  lambda_max: 6700\n  points: 200\n';

async function failingJob(page, tag) {
  await page.click('#new-job');
  await page.fill('#yaml', FAILS);
  await page.click('#create-run');
  await page.waitForFunction(() => document.querySelector('#job')?.dataset.phase === 'ERROR', null, { timeout: 30000 });
  const id = await panelJob(page);
  check(await serverPhase(id) === 'ERROR' && (await panelBadge(page)).colour === COLOURS.ERROR, `${tag}: a failed run: ERROR on the server, in its colour`);
  const r = await fetch(`${base}/jobs/${id}/error`, { headers: auth('demo') });
  const want = (await r.text()).trim();
  check(want.length > 0 && (await page.textContent('#job-error')).trim() === want, `${tag}: the page shows the job's error`);
  await shot(page, tag, '06b-error');
}

async function rerunAndDelete(page, tag, oldId) {
  await page.click(`#jobs tr[data-job="${oldId}"]`);
  await page.waitForFunction((id) => document.querySelector('#job')?.dataset.job === id, oldId);
  await page.click('#job-actions [data-action=re-run]');
  await page.waitForFunction((id) => { const j = document.querySelector('#job')?.dataset.job; return j && j !== id; }, oldId);
  const newId = await panelJob(page);
  const phase = await serverPhase(newId);
  check(['QUEUED', 'EXECUTING', 'COMPLETED'].includes(phase) && await parameterText(newId) === await parameterText(oldId),
    `${tag}: re-run made ${newId} (${phase}) with the old job's experiment`);
  await page.click(`#job-actions [data-job="${newId}"] [data-action=delete]`);
  await page.waitForFunction((id) => !document.querySelector(`#jobs tr[data-job="${id}"]`), newId, { timeout: 10000 });
  const gone = await fetch(`${base}/jobs/${newId}/phase`, { headers: auth('demo') });
  check(gone.status === 404, `${tag}: delete removed ${newId} (GET phase: ${gone.status})`);
}

async function parameterText(id) {
  const xml = await serverExperiment(id);
  const m = /<uws:parameter id="experiment">([\s\S]*?)<\/uws:parameter>/.exec(xml);
  return m ? m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&') : '';
}

async function supervisor(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${base}/`);
  await page.fill('#user', 'admin');
  await page.fill('#password', 'admin-pw');
  await page.click('#login button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#jobs td.owner').length > 0);
  const owners = await page.$$eval('#jobs td.owner', (tds) => tds.map((t) => t.textContent));
  check(owners.length > 0 && owners.every((o) => o === 'demo'), `supervisor: the owner column shows demo's jobs (${owners.length})`);
  await shot(page, 'desktop', '08-supervisor');
  await context.close();
}

async function run(browser, tag, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  const page = await context.newPage();
  watch(page, refusalAllowed);
  page.on('dialog', (d) => d.accept());
  await login(page, tag);
  await badYaml(page, tag);
  const id = await goodJob(page, tag);
  await openReport(page, tag);
  await abortRunning(page, tag);
  await copyEditResend(page, tag, id);
  if (tag === 'desktop') {
    await failingJob(page, tag);
    await rerunAndDelete(page, tag, id);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${tag}: nothing wider than the screen (${overflow} px over)`);
  await shot(page, tag, '09-end');
  await context.close();
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  await run(browser, 'desktop', { width: 1280, height: 900 });
  await run(browser, 'phone', { width: 390, height: 844 });
  await supervisor(browser);
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack ?? e}`);
} finally {
  await browser.close();
}
check(problems.length === 0, `no console error or warning, no page error${problems.length ? ': ' + problems.join('; ') : ''}`);
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
