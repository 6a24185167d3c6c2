// Browser test of a vocloud report: opens REPORT/index.html over file:// in headless Chromium
// (playwright-core, Debian's /usr/bin/chromium) and checks every page against EXPECTED.json
// (tests/browser/expected.py, computed from the experiment's HDF5 and FITS files).
//
// usage: node report.test.mjs REPORT_DIR EXPECTED.json SCREENSHOT_DIR
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../viz-export/package.json'));
const { chromium } = require('playwright-core');

const [reportDir, expectedPath, shotDir] = process.argv.slice(2);
if (!shotDir) throw new Error('usage: node report.test.mjs REPORT_DIR EXPECTED.json SCREENSHOT_DIR');
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
const base = pathToFileURL(resolve(reportDir, 'index.html')).href;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`browser: no Chromium at ${executablePath} (scripts/setup installs Debian's chromium)`);
mkdirSync(shotDir, { recursive: true });

let failures = 0;
function check(ok, what) {
  if (ok) console.log(`ok   ${what}`);
  else { failures++; console.log(`FAIL ${what}`); }
}

const problems = [];
function watch(page) {
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
}

/** Opens a route and waits until the app has rendered it; checks nothing went wrong. */
async function open(page, hash, shot) {
  problems.length = 0;
  await page.goto(`${base}${hash}`);
  await ready(page, hash, shot);
}

async function ready(page, hash, shot) {
  await page.waitForFunction((h) => {
    const app = document.getElementById('app');
    return app && app.dataset.state === 'ready' && app.dataset.route === h;
  }, hash, { timeout: 15000 });
  await page.waitForTimeout(150); // charts are drawn right after the page is in place
  check(problems.length === 0, `${hash}: no console error or warning, no failed request${problems.length ? ': ' + problems.join('; ') : ''}`);
  if (shot) await page.screenshot({ path: join(shotDir, `${shot}.png`), fullPage: true });
}

async function listedRows(page, list) {
  const rows = [];
  for (;;) {
    rows.push(...(await page.$$eval(`[data-list=${list}] tr[data-row]`, (trs) => trs.map((t) => Number(t.dataset.row)))));
    const next = page.locator(`[data-list=${list}] .pager button:has-text("next")`);
    if ((await next.count()) === 0 || (await next.isDisabled())) return rows;
    await next.click();
  }
}

const sameSet = (a, b) => a.length === b.length && [...a].sort((x, y) => x - y).every((v, i) => v === [...b].sort((x, y) => x - y)[i]);

function closeValues(got, want, tol = 1e-5) {
  if (!got || got.length !== want.length) return false;
  return want.every((w, i) => (w === null ? got[i] === null || Number.isNaN(got[i]) : Math.abs(got[i] - w) <= tol * Math.max(1, Math.abs(w))));
}

async function plotted(page, panel, series = 1) {
  return page.$eval(`[data-panel=${panel}] .chart`, (el, s) => Array.from(el.uplot.data[s], (v) => (v == null ? null : v)), series);
}

async function xRanges(page) {
  return page.$$eval('.stages [data-panel][data-x-min]', (els) => els.map((e) => [e.dataset.panel, Number(e.dataset.xMin), Number(e.dataset.xMax)]));
}

async function testOverview(page) {
  await open(page, '#/overview', 'overview');
  check(await page.locator('h2:has-text("Stages")').count() === 1, 'overview: lists the stages');
}

async function testSom(page) {
  const { hits, node, members } = expected.som;
  await open(page, '#/som', 'som');
  const cells = await page.$$eval('[data-map=hits] g.cell[data-node]', (gs) => gs.map((g) => [Number(g.dataset.node), g.querySelector('text')?.textContent]));
  check(cells.length === hits.length, `som: hit map has ${hits.length} cells (has ${cells.length})`);
  check(cells.every(([k, t]) => Number(t) === hits[k]), 'som: every hit-map cell shows the count of som.h5 BMUs');
  await page.click(`[data-map=hits] g.cell[data-node="${node}"]`);
  await ready(page, `#/som/node/${node}`, 'som-node');
  const rows = await listedRows(page, 'members');
  check(sameSet(rows, members), `som: node ${node} lists exactly its ${members.length} members (listed ${rows.length})`);
  return rows;
}

/** Drags across the normalised panel; every stage panel must take the same, narrower x range. */
async function dragZoom(page, what, shot) {
  const before = await xRanges(page);
  const over = page.locator('[data-panel=normalised] .u-over');
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(100);
  const after = await xRanges(page);
  const narrower = after.length >= 2 && after.every(([, a, b], i) => b - a < 0.5 * (before[i][2] - before[i][1]));
  const together = after.every(([, a, b]) => Math.abs(a - after[0][1]) < 1e-6 && Math.abs(b - after[0][2]) < 1e-6);
  check(narrower && together, `${what}: drag-zoom narrows the x range of all ${after.length} panels together${narrower && together ? '' : ': ' + JSON.stringify({ before, after })}`);
  await page.screenshot({ path: join(shotDir, `${shot}.png`), fullPage: true });
}

async function testSpectrum(page, first, second) {
  await page.click(`[data-list=members] tr[data-row="${first}"] a`);
  await ready(page, `#/spectrum/${first}`, 'spectrum');
  await page.waitForSelector('[data-panel=normalised] .chart .uplot');
  const widths = await page.$$eval('.stages .chart', (els) => els.map((e) => [e.clientWidth, e.querySelector('.uplot')?.clientWidth ?? 0]));
  check(widths.every(([box, plot]) => plot >= 0.95 * box), `spectrum ${first}: every panel's chart fills its width (${JSON.stringify(widths)})`);
  const norm = await plotted(page, 'normalised');
  check(closeValues(norm, expected.dataset.flux[String(first)]), `spectrum ${first}: plotted normalised values equal dataset.h5 /flux[${first}]`);
  await dragZoom(page, `spectrum ${first}`, 'spectrum-zoomed');
  await page.click('.prevnext a[rel=next]');
  await ready(page, `#/spectrum/${second}`, null);
  check(true, `spectrum: next opens row ${second}, the next member`);
}

async function testRaw(page) {
  const raw = expected.dataset.raw;
  if (!raw) return;
  await open(page, `#/spectrum/${raw.row}`, 'spectrum-sdss');
  await page.waitForSelector('[data-panel=raw] .chart .uplot');
  const wave = await plotted(page, 'raw', 0);
  const flux = await plotted(page, 'raw', 1);
  check(closeValues(wave, raw.wave, 1e-9) && closeValues(flux, raw.flux), `spectrum ${raw.row}: raw panel plots the FITS file's wavelengths and flux (astropy)`);
  const drawn = await page.$$eval('.stages [data-panel] .uplot', (els) => els.map((e) => e.closest('[data-panel]').dataset.panel));
  check(['raw', 'cut', 'resampled', 'normalised', 'codebook'].every((p) => drawn.includes(p)), `spectrum ${raw.row}: draws the raw, cut, resampled, normalised and codebook panels (${drawn})`);
  await dragZoom(page, `spectrum ${raw.row}`, 'spectrum-sdss-zoomed');
}

async function testForest(page) {
  const { confusion, cell, cell_rows } = expected.forest;
  await open(page, '#/forest', 'forest');
  const cells = await page.$$eval('table.confusion td.cell', (tds) => tds.map((td) => [Number(td.dataset.true), Number(td.dataset.predicted), td.textContent.trim()]));
  check(cells.length === confusion.length ** 2, `forest: ${confusion.length ** 2} confusion cells`);
  check(cells.every(([t, p, text]) => Number(text) === confusion[t][p]), 'forest: each confusion cell equals the OOF confusion of forest.h5 (numpy)');
  await testEveryCell(page);
  await open(page, '#/forest', null);
  await page.click(`table.confusion td[data-true="${cell[0]}"][data-predicted="${cell[1]}"] a`);
  await ready(page, `#/forest/cell/${cell[0]}/${cell[1]}`, 'forest-cell');
  const rows = await listedRows(page, 'cell');
  check(sameSet(rows, cell_rows), `forest: cell ${cell} lists exactly its ${cell_rows.length} spectra`);
  await page.click(`[data-list=cell] tr[data-row="${rows[0]}"]`);
  await ready(page, `#/spectrum/${rows[0]}`, null);
  await page.waitForSelector('[data-panel=normalised] .chart .uplot');
  check(closeValues(await plotted(page, 'normalised'), expected.dataset.flux[String(rows[0])]), `forest: a cell's spectrum ${rows[0]} plots dataset.h5's row`);
}

/** Every non-empty cell lists exactly its spectra (off the diagonal) or a sample of them, its count stated. */
async function testEveryCell(page) {
  for (const [key, want] of Object.entries(expected.forest.cells)) {
    const [t, p] = key.split('-');
    await open(page, `#/forest/cell/${t}/${p}`, null);
    const rows = await listedRows(page, 'cell');
    const heading = await page.locator('main h2').first().textContent();
    const stated = heading.includes(`: ${want.length} spectra`);
    if (t !== p || rows.length === want.length) check(stated && sameSet(rows, want), `forest: cell ${key} lists exactly its ${want.length} spectra`);
    else check(stated && rows.length < want.length && rows.every((r) => want.includes(r)), `forest: diagonal cell ${key} lists a sample of ${rows.length} of its ${want.length} spectra`);
  }
}

/** The same report from a static web server (http://127.0.0.1) instead of file://. */
async function testServer(browser) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.txt': 'text/plain' };
  const server = createServer((req, res) => {
    const path = resolve(reportDir, '.' + decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(resolve(reportDir)) || !existsSync(path)) { res.writeHead(404).end(); return; }
    const ext = path.slice(path.lastIndexOf('.'));
    res.writeHead(200, { 'content-type': types[ext] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const page = await browser.newPage();
  watch(page);
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    const url = `http://127.0.0.1:${server.address().port}/index.html`;
    for (const hash of ['#/som', `#/spectrum/${expected.som.members[0]}`]) {
      problems.length = 0;
      await page.goto(`${url}${hash}`);
      await ready(page, hash, null);
    }
    check(await page.locator('[data-panel=normalised] .uplot').count() === 1, 'served over HTTP: the spectrum view draws');
  } finally {
    await page.close();
    server.close();
  }
}

/**
 * The report altered: no SOM, forest or predict stage (those pages say so), two rejected
 * spectra (the overview lists them), a start route (opened when the address has none).
 */
async function testNoData(browser) {
  const dir = mkdtempSync(join(tmpdir(), 'vocloud-report-'));
  try {
    // the stage's folder is a link to its kept variant: copy what it points at
    cpSync(realpathSync(reportDir), dir, { recursive: true });
    const file = join(dir, 'data', 'overview.js');
    const wrapped = readFileSync(file, 'utf8').trim();
    const overview = JSON.parse(wrapped.slice(wrapped.indexOf(',') + 1, wrapped.lastIndexOf(')')));
    const start = `#/spectrum/${expected.som.members[0]}`;
    Object.assign(overview, { start, pages: { som: false, forest: false, predict: false } });
    Object.assign(overview.dataset, { rejected: 2, rejected_reasons: [{ reason: 'truncated', count: 2 }] });
    writeFileSync(file, `vocloudData("overview", ${JSON.stringify(overview)});\n`);
    const rejected = [{ id: 'bad-1', path: 'in/bad-1.fits', reason: 'truncated: 10 of 2880 bytes' }, { id: 'bad-2', path: 'in/bad-2.fits', reason: 'truncated: header only' }];
    writeFileSync(join(dir, 'data', 'rejected.js'), `vocloudData("rejected", ${JSON.stringify({ count: 2, listed: 2, rows: rejected })});\n`);
    const page = await browser.newPage();
    watch(page);
    const url = pathToFileURL(join(dir, 'index.html')).href;
    problems.length = 0;
    await page.goto(url);
    await ready(page, start, null);
    check(await page.locator('[data-panel=normalised] .uplot').count() === 1, `overview.start: the report opens on ${start}`);
    problems.length = 0;
    await page.goto(`${url}#/overview`);
    await ready(page, '#/overview', null);
    const listed = await page.locator('h3:has-text("Each rejected spectrum") ~ div tbody tr').allTextContents();
    check(rejected.every((r, i) => listed[i]?.includes(r.id) && listed[i].includes(r.reason) && listed[i].includes(r.path)), 'overview: lists each rejected spectrum with its reason and path');
    for (const hash of ['#/som', '#/som/node/0', '#/forest', '#/forest/cell/0/1', '#/predict']) {
      problems.length = 0;
      await page.goto(`${url}${hash}`);
      await ready(page, hash, hash === '#/som' ? 'no-data-som' : null);
      check(await page.locator('.note:has-text("has no")').count() === 1, `${hash} without data says so`);
    }
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function testPredict(page) {
  await open(page, '#/predict', 'predict');
  if (!expected.predict) return;
  const rows = await listedRows(page, 'candidates');
  check(rows.length === expected.predict.rows.length && rows.every((r, i) => r === expected.predict.rows[i]), 'predict: candidates listed in candidates.h5 order');
}

async function testSearch(page) {
  const { search_id: id, search_row: row } = expected.dataset;
  await open(page, '#/search/', null);
  await page.fill('form.search input', id);
  await page.press('form.search input', 'Enter');
  await ready(page, `#/search/${encodeURIComponent(id)}`, 'search');
  const rows = await page.$$eval('[data-list=search] tr[data-row]', (trs) => trs.map((t) => Number(t.dataset.row)));
  check(rows[0] === row, `search: "${id}" finds row ${row} first`);
  await page.click(`[data-list=search] tr[data-row="${row}"]`);
  await ready(page, `#/spectrum/${row}`, null);
}

/** The comparison page: both SOM variants, with the errors their som.h5 files hold. */
async function testCompare(page) {
  const want = expected.compare;
  const names = Object.keys(want);
  check(names.length === 2, `compare: the experiment keeps two SOM variants (${names.length})`);
  await open(page, '#/overview', null);
  await page.click('a[data-link=compare]');
  await ready(page, '#/compare', 'compare');
  const rows = await page.$$eval('table[data-stage=som] tr[data-variant]', (trs) => trs.map((t) => ({
    name: t.dataset.variant,
    qe: Number(t.querySelector('td[data-figure=quantisation_error]')?.dataset.value),
    te: Number(t.querySelector('td[data-figure=topographic_error]')?.dataset.value),
    text: t.textContent,
  })));
  check(sameSet(rows.map((r) => names.indexOf(r.name)), [0, 1]), `compare: lists both SOM variants ${names.join(', ')} (lists ${rows.map((r) => r.name).join(', ')})`);
  for (const r of rows) {
    const w = want[r.name];
    if (!w) continue;
    check(Math.abs(r.qe - w.quantisation_error) <= 1e-9 * Math.max(1, w.quantisation_error), `compare: ${r.name} quantisation error ${r.qe} equals som.h5's ${w.quantisation_error}`);
    check(Math.abs(r.te - w.topographic_error) <= 1e-9, `compare: ${r.name} topographic error ${r.te} equals som.h5's ${w.topographic_error}`);
    check(r.text.includes(String(w.epochs)), `compare: ${r.name} shows its som.epochs (${w.epochs})`);
  }
  const keys = await page.$$eval('table[data-stage=som] thead th', (ths) => ths.map((t) => t.textContent));
  check(keys.includes('som.epochs'), `compare: the differing parameter som.epochs is a column (${keys.join(', ')})`);
}

async function testPhone(browser) {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  watch(page);
  await open(page, `#/spectrum/${expected.som.members[0]}`, 'phone-spectrum');
  await open(page, '#/som', 'phone-som');
  await page.close();
}

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(page);
  await testOverview(page);
  const members = await testSom(page);
  await testSpectrum(page, members[0], members[1]);
  await testRaw(page);
  await testForest(page);
  await testPredict(page);
  await testSearch(page);
  await testCompare(page);
  await testPhone(browser);
  await testNoData(browser);
  await testServer(browser);
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed; screenshots in ${shotDir}` : `all checks passed; screenshots in ${shotDir}`);
process.exit(failures ? 1 : 0);
