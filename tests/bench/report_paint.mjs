// Time to first paint of a vocloud report's pages in headless Chromium, and each page's peak
// JS heap: the Overview, the SOM page and a spectrum view, each opened cold (a new browser
// context) over file:// RUNS times. Paint times are the Performance API's paint entries
// (first-paint, first-contentful-paint) and largest-contentful-paint; "ready" is when the
// app has rendered the page (#app data-state=ready). The heap is CDP Performance.getMetrics
// JSHeapUsedSize, sampled every 20 ms from navigation until ready and once more after.
//
// usage: node report_paint.mjs REPORT_DIR [RUNS=3] [RESULTS.jsonl]
import { createRequire } from 'node:module';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../viz-export/package.json'));
const { chromium } = require('playwright-core');

const [reportDir, runsText, results] = process.argv.slice(2);
if (!reportDir) throw new Error('usage: node report_paint.mjs REPORT_DIR [RUNS] [RESULTS.jsonl]');
const runs = Number(runsText ?? 3);
const kGoalMs = 2000;
const index = resolve(reportDir, 'index.html');
if (!existsSync(index)) throw new Error(`report_paint: no ${index} (was the front end built?)`);
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The payload of data/NAME.js (the one-line vocloudData wrapper stripped). */
function data(name) {
  const text = readFileSync(resolve(reportDir, 'data', `${name}.js`), 'utf8');
  const start = text.indexOf(', ');
  return JSON.parse(text.slice(start + 2, text.lastIndexOf(');')));
}

const overview = data('overview');
const pages = [['overview', '#/overview']];
if (overview.pages.som) pages.push(['som', '#/som']);
const spectra = data('spectra/index');
if (spectra.count > 0) pages.push(['spectrum', `#/spectrum/${spectra.row[0]}`]);

// Records, inside the page, when the app reports the route rendered and the LCP entries.
const kProbe = () => {
  window.__bench = { ready: null, lcp: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.lcp = Math.max(window.__bench.lcp, e.startTime);
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  const watch = () => {
    const app = document.getElementById('app');
    if (!app) return requestAnimationFrame(watch);
    new MutationObserver(() => {
      if (app.dataset.state === 'ready' && window.__bench.ready === null) window.__bench.ready = performance.now();
    }).observe(app, { attributes: true, attributeFilter: ['data-state'] });
  };
  document.addEventListener('DOMContentLoaded', watch);
};

async function measure(browser, hash) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(kProbe);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        peak = Math.max(peak, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
      } catch { /* the page is navigating */ }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(index).href + hash);
  await page.waitForFunction((h) => {
    const app = document.getElementById('app');
    return app && app.dataset.state === 'ready' && app.dataset.route === h;
  }, hash, { timeout: 120000, polling: 50 });
  await page.waitForTimeout(300); // charts draw right after the page is in place; LCP settles
  sampling = false;
  await sampler;
  const { metrics } = await cdp.send('Performance.getMetrics');
  peak = Math.max(peak, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
  const t = await page.evaluate(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    return { fp: paint['first-paint'] ?? null, fcp: paint['first-contentful-paint'] ?? null, lcp: window.__bench.lcp || null, ready: window.__bench.ready };
  });
  await context.close();
  if (errors.length) throw new Error(`report_paint: ${hash}: ${errors.join('; ')}`);
  return { ...t, heap_mb: peak / 1e6 };
}

const median = (xs) => { const s = xs.filter((x) => x !== null).sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : null; };
const ms = (v) => (v === null ? '     –' : `${v.toFixed(0).padStart(6)}`);

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
const rows = [];
try {
  for (const [name, hash] of pages) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(browser, hash));
    const row = { report: resolve(reportDir), spectra_in_report: spectra.count, dataset_rows: overview.dataset.rows, page: name, route: hash, runs };
    for (const k of ['fp', 'fcp', 'lcp', 'ready']) row[`${k}_ms`] = median(samples.map((s) => s[k]));
    row.heap_peak_mb = Math.max(...samples.map((s) => s.heap_mb));
    row.goal_ms = kGoalMs;
    row.within_goal = [row.fcp_ms, row.ready_ms].every((v) => v !== null && v < kGoalMs);
    rows.push(row);
    if (results) appendFileSync(results, JSON.stringify(row) + '\n');
  }
} finally {
  await browser.close();
}
console.log(`report pages in headless Chromium: ${resolve(reportDir)} (${overview.dataset.rows} spectra in the data set, ${spectra.count} in the report); median of ${runs} cold loads; goal < ${kGoalMs} ms`);
console.log(`${'page'.padEnd(9)} ${'FP ms'.padStart(6)} ${'FCP ms'.padStart(6)} ${'LCP ms'.padStart(6)} ${'ready'.padStart(6)} ${'heap MB'.padStart(8)}  goal`);
for (const r of rows) {
  console.log(`${r.page.padEnd(9)} ${ms(r.fp_ms)} ${ms(r.fcp_ms)} ${ms(r.lcp_ms)} ${ms(r.ready_ms)} ${r.heap_peak_mb.toFixed(1).padStart(8)}  ${r.within_goal ? 'met' : 'MISSED'}`);
}
