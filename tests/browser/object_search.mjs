// Search by object name and the spectrum view's object, in headless Chromium over file://:
// searching EXPECTED.query lists exactly EXPECTED.rows, and each listed spectrum's view shows
// EXPECTED.object[row] (astropy's reading of its file's OBJECT, tests/report/report_object.sh).
//
// usage: node object_search.mjs REPORT_DIR EXPECTED.json
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../viz-export/package.json'));
const { chromium } = require('playwright-core');
const [reportDir, expectedPath] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
const base = pathToFileURL(resolve(reportDir, 'index.html')).href;

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}
const problems = [];
async function ready(page, hash) {
  await page.waitForFunction((h) => {
    const app = document.getElementById('app');
    return app && app.dataset.state === 'ready' && app.dataset.route === h;
  }, hash, { timeout: 15000 });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}#/search/`);
  await ready(page, '#/search/');
  await page.fill('form.search input', expected.query);
  await page.press('form.search input', 'Enter');
  const hash = `#/search/${encodeURIComponent(expected.query)}`;
  await ready(page, hash);
  const rows = await page.$$eval('[data-list=search] tr[data-row]', (trs) => trs.map((t) => Number(t.dataset.row)));
  const want = [...expected.rows].sort((a, b) => a - b);
  check(JSON.stringify([...rows].sort((a, b) => a - b)) === JSON.stringify(want), `search "${expected.query}" lists rows ${want} (lists ${rows})`);
  for (const row of rows) {
    await page.goto(`${base}#/spectrum/${row}`);
    await ready(page, `#/spectrum/${row}`);
    const shown = await page.$eval('aside.meta table.facts', (t) => [...t.querySelectorAll('tr')].find((r) => r.querySelector('th')?.textContent === 'object')?.querySelector('td')?.textContent);
    check(shown === expected.object[String(row)], `spectrum ${row} shows object "${shown}" (its header: "${expected.object[String(row)]}")`);
  }
  check(problems.length === 0, `no console error or warning${problems.length ? ': ' + problems.join('; ') : ''}`);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
