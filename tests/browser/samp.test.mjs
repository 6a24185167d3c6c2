// Browser test of "Send to TOPCAT / SPLAT": drives a vocloud report over file:// in headless
// Chromium (playwright-core, Debian's /usr/bin/chromium) against a real SAMP hub with the Web
// Profile (astropy.samp, samp_hub.py, started and stopped here by PID). First with no hub (the
// buttons say so and nothing breaks), then with the hub: sends node K's member list and the
// spectrum of its first member; then once more to a restarted hub (the page registers again). Writes what the page showed to OUT.json; samp_check.py then
// compares the messages the hub's recording client received with the HDF5 and FITS files.
//
// usage: node samp.test.mjs REPORT_DIR NODE SCRATCH OUT.json
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../viz-export/package.json'));
const { chromium } = require('playwright-core');

const [reportDir, nodeArg, scratch, outPath] = process.argv.slice(2);
if (!outPath) throw new Error('usage: node samp.test.mjs REPORT_DIR NODE SCRATCH OUT.json');
const node = Number(nodeArg);
const base = pathToFileURL(resolve(reportDir, 'index.html')).href;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let failures = 0;
function check(ok, what) {
  if (ok) console.log(`ok   ${what}`);
  else { failures++; console.log(`FAIL ${what}`); }
}

const pageErrors = [];
const consoleErrors = [];
function watch(page) {
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text()); });
}

async function open(page, hash) {
  await page.goto(`${base}${hash}`);
  await page.waitForFunction((h) => {
    const app = document.getElementById('app');
    return app && app.dataset.state === 'ready' && app.dataset.route === h;
  }, hash, { timeout: 15000 });
}

/** Clicks the SAMP button in `scope` and returns its status once the send has finished. */
async function send(page, scope) {
  const bar = page.locator(`${scope} [data-samp]`).first();
  await bar.locator('button').click();
  await page.waitForFunction((el) => {
    const s = el.querySelector('.samp-status');
    return s && s.textContent !== 'Sending…' && s.textContent !== '' && !el.querySelector('button').disabled;
  }, await bar.elementHandle(), { timeout: 90000 });
  return bar.locator('.samp-status').evaluate((s) => ({ text: s.textContent, cls: s.className }));
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

/** Starts samp_hub.py (recording to `record`) and waits until its hub and client run. */
async function startHub(record, ready) {
  const hub = spawn('/usr/bin/python3', [join(here, 'samp_hub.py'), join(scratch, 'hub.lock'), record, ready],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  hub.exited = new Promise((r) => hub.on('exit', (code, signal) => r({ code, signal })));
  writeFileSync(join(scratch, 'hub.pid'), `${hub.pid}\n`); // for the calling script's cleanup
  for (let i = 0; i < 300 && !existsSync(ready); i++) {
    if (hub.exitCode !== null) throw new Error(`samp: the hub (samp_hub.py) exited with ${hub.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!existsSync(ready)) throw new Error('samp: the hub (samp_hub.py) did not start in 30 s');
  return hub;
}

async function stopHub(hub) {
  if (!hub || hub.exitCode !== null) return;
  process.kill(hub.pid, 'SIGTERM');
  const done = await Promise.race([hub.exited, new Promise((r) => setTimeout(() => r(null), 10000))]);
  if (!done) process.kill(hub.pid, 'SIGKILL');
}

const browser = await chromium.launch({ executablePath, headless: true });
let hub = null;
const out = { node };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(page);

  // No hub: one short message, no uncaught error, and the page goes on working.
  await open(page, `#/som/node/${node}`);
  check(consoleErrors.length === 0, `node ${node} opens with no console error before any send${consoleErrors.length ? ': ' + consoleErrors.join('; ') : ''}`);
  const none = await send(page, '[data-list=members]');
  check(none.cls.includes('nohub') && /No SAMP hub answered/.test(none.text), `with no hub the list button says so: "${none.text}"`);
  const firstRow = Number(await page.locator('[data-list=members] tr[data-row]').first().getAttribute('data-row'));
  await open(page, `#/spectrum/${firstRow}`);
  const none2 = await send(page, '.meta');
  check(none2.cls.includes('nohub'), `with no hub the spectrum button says so: "${none2.text}"`);
  check(pageErrors.length === 0, `no uncaught error without a hub${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);

  hub = await startHub(join(scratch, 'record.jsonl'), join(scratch, 'hub.ready'));
  await open(page, `#/som/node/${node}`);
  out.node_rows = await listedRows(page, 'members');
  const list = await send(page, '[data-list=members]');
  out.list_status = list.text;
  check(list.cls.includes('ok'), `the node's list is sent: "${list.text}"`);
  await page.locator('[data-list=members] tr[data-row] a').first().click();
  await page.waitForFunction(() => document.getElementById('app').dataset.route?.startsWith('#/spectrum/'), null, { timeout: 15000 });
  await page.waitForFunction(() => document.getElementById('app').dataset.state === 'ready');
  out.spectrum_row = Number((await page.evaluate(() => document.getElementById('app').dataset.route)).split('/').pop());
  const sp = await send(page, '.meta');
  out.spectrum_status = sp.text;
  check(sp.cls.includes('ok'), `the spectrum is sent: "${sp.text}"`);
  check(pageErrors.length === 0, `no uncaught error with the hub${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);
  await page.screenshot({ path: join(scratch, 'samp-spectrum.png') });

  // The hub restarts (as when TOPCAT is closed and opened again): the page registers again
  // and loads the table into the new hub's client, although that client may have an old id.
  await stopHub(hub);
  const record2 = join(scratch, 'record2.jsonl');
  hub = await startHub(record2, join(scratch, 'hub2.ready'));
  const again = await send(page, '.meta');
  check(again.cls.includes('ok'), `after a hub restart the spectrum is sent again: "${again.text}"`);
  await open(page, `#/som/node/${node}`);
  const againList = await send(page, '[data-list=members]');
  check(againList.cls.includes('ok'), `after a hub restart the list is sent again: "${againList.text}"`);
  await stopHub(hub);
  const first = readFileSync(join(scratch, 'record.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const second = readFileSync(record2, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const kinds = (r) => r.map((e) => e.registration ? 'registration' : e.mtype);
  check(JSON.stringify(kinds(second)) === JSON.stringify(['registration', 'spectrum.load.ssa-generic', 'table.load.votable', 'table.select.rowList']),
    `the new hub got a registration, the spectrum, the table and the selection: ${kinds(second).join(', ')}`);
  const params = (r, m) => JSON.stringify(r.find((e) => e.mtype === m)?.params);
  check(['spectrum.load.ssa-generic', 'table.load.votable', 'table.select.rowList'].every((m) => params(first, m) === params(second, m)),
    'and the same messages as the first hub');
} finally {
  await browser.close();
  await stopHub(hub);
}
writeFileSync(outPath, JSON.stringify(out));
if (failures) { console.log(`${failures} check(s) failed`); process.exit(1); }
