// "Send to TOPCAT / SPLAT" against JSAMP's hub (the hub TOPCAT and SPLAT run), started by
// samp_report.sh with its Web Profile accepting every registration. JSAMP refuses the
// origin "null" of a page opened from disk: the page must say so. Served over http:// the
// page registers and sends node NODE's list and the spectrum of its first member; what it
// showed goes to OUT.json for samp_check.py.
//
// usage: node samp_jsamp.mjs REPORT_DIR HTTP_BASE NODE OUT.json
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../viz-export/package.json'));
const { chromium } = require('playwright-core');

const [reportDir, httpBase, nodeArg, outPath] = process.argv.slice(2);
if (!outPath) throw new Error('usage: node samp_jsamp.mjs REPORT_DIR HTTP_BASE NODE OUT.json');
const node = Number(nodeArg);
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };
const pageErrors = [];

async function open(page, url, hash) {
  await page.goto(`${url}${hash}`);
  await page.waitForFunction((h) => document.getElementById('app')?.dataset.state === 'ready' && document.getElementById('app').dataset.route === h, hash, { timeout: 15000 });
}

async function send(page, scope) {
  const bar = page.locator(`${scope} [data-samp]`).first();
  await bar.locator('button').click();
  await page.waitForFunction((el) => {
    const s = el.querySelector('.samp-status');
    return s && s.textContent !== 'Sending…' && s.textContent !== '' && !el.querySelector('button').disabled;
  }, await bar.elementHandle(), { timeout: 90000 });
  return bar.locator('.samp-status').evaluate((s) => ({ text: s.textContent, cls: s.className }));
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true });
const out = { node };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const fromDisk = pathToFileURL(resolve(reportDir, 'index.html')).href;
  await open(page, fromDisk, `#/som/node/${node}`);
  const refused = await send(page, '[data-list=members]');
  check(refused.cls.includes('nohub') && /opened from disk/.test(refused.text) && /http\.server/.test(refused.text),
    `from disk, JSAMP's hub refuses the page and the page says what to do: "${refused.text}"`);

  const served = `${httpBase}/index.html`;
  await open(page, served, `#/som/node/${node}`);
  out.node_rows = await page.$$eval('[data-list=members] tr[data-row]', (trs) => trs.map((t) => Number(t.dataset.row)));
  const list = await send(page, '[data-list=members]');
  check(list.cls.includes('ok'), `over http:// the node's list is sent through JSAMP's hub: "${list.text}"`);
  out.spectrum_row = out.node_rows[0];
  await open(page, served, `#/spectrum/${out.spectrum_row}`);
  const sp = await send(page, '.meta');
  check(sp.cls.includes('ok'), `over http:// the spectrum is sent through JSAMP's hub: "${sp.text}"`);
  check(pageErrors.length === 0, `no uncaught error${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);
} finally {
  await browser.close();
}
writeFileSync(outPath, JSON.stringify(out));
if (failures) { console.log(`${failures} check(s) failed`); process.exit(1); }
