// The report's entry: the navigation bar, the hash router, and each page's rendering.
import type { App } from './app';
import { DataLoader } from './data/loader';
import type { Overview } from './data/types';
import { parseRoute, tabOf, type Route } from './logic/route';
import { h, note, section } from './ui/dom';
import { comparePage } from './pages/compare';
import { forestPage, cellPage } from './pages/forest';
import { nodePage } from './pages/node';
import { overviewPage } from './pages/overview';
import { predictPage } from './pages/predict';
import { somPage } from './pages/som';
import { searchPage, spectrumPage } from './pages/spectrum';
import { SampClient } from './sampHub';
import { SampSender } from './sampSend';
import './style.css';

const kTabs: [string, string, string][] = [
  ['overview', '#/overview', 'Overview'], ['som', '#/som', 'SOM'], ['forest', '#/forest', 'Forest'],
  ['predict', '#/predict', 'Predict'], ['compare', '#/compare', 'Compare'], ['spectrum', '#/search/', 'Spectra'],
];

function render(app: App, r: Route): Promise<HTMLElement[]> {
  switch (r.page) {
    case 'overview': return overviewPage(app);
    case 'som': return somPage(app);
    case 'node': return nodePage(app, r.node);
    case 'forest': return forestPage(app);
    case 'cell': return cellPage(app, r.truth, r.predicted);
    case 'predict': return predictPage(app);
    case 'compare': return comparePage(app);
    case 'spectrum': return spectrumPage(app, r.row);
    case 'search': return searchPage(app, r.text);
    case 'unknown': return Promise.resolve([section('Page not found', note(`There is no page "${r.hash}".`, 'error'))]);
  }
}

function navigation(app: App, tab: string): HTMLElement {
  const p = app.overview.pages;
  const has: Record<string, boolean> = { som: p.som, forest: p.forest, predict: p.predict, compare: p.compare === true };
  return h('nav', {}, h('span', { class: 'brand' }, `vocloud · ${app.overview.experiment}`),
    ...kTabs.map(([key, href, text]) => h('a', { href, class: `${key === tab ? 'active' : ''}${has[key] === false ? ' empty' : ''}`, 'data-tab': key }, text)));
}

/** The address's route, or the report's start route (overview.start) when it has none. */
function currentHash(app: App): string {
  return location.hash.replace(/^#\/?$/, '') || app.overview.start || '#/overview';
}

/** Renders the current hash into #app; a stale render (the hash moved on) is dropped. */
async function show(app: App, root: HTMLElement, generation: { n: number }): Promise<void> {
  const mine = ++generation.n;
  const route = parseRoute(currentHash(app));
  root.dataset.state = 'loading';
  let content: HTMLElement[];
  try {
    content = await render(app, route);
  } catch (e) {
    console.error(e);
    content = [section('This page could not be shown', note(String((e as Error).message ?? e), 'error'))];
  }
  if (mine !== generation.n) return;
  const footer = h('footer', {}, `vocloud ${app.overview.engine_version} · `, h('a', { href: 'licenses/README.txt' }, 'third-party licences'));
  root.replaceChildren(navigation(app, tabOf(route)), h('main', {}, ...content), footer);
  root.dataset.state = 'ready';
  root.dataset.route = currentHash(app);
  window.scrollTo(0, 0);
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  const data = new DataLoader('data/');
  let overview: Overview;
  try {
    overview = await data.load<Overview>('overview');
  } catch (e) {
    root.replaceChildren(note(`${(e as Error).message}: this folder holds no vocloud report data (data/overview.js).`, 'error'));
    root.dataset.state = 'ready';
    return;
  }
  document.title = `${overview.experiment} · vocloud report`;
  const samp = new SampSender(new SampClient(`vocloud report: ${overview.experiment}`), overview.experiment, new URL('data/spectra.vot', location.href).href);
  window.addEventListener('pagehide', () => samp.client.unregister());
  const app: App = { data, overview, list: null, samp };
  const generation = { n: 0 };
  window.addEventListener('hashchange', () => void show(app, root, generation));
  let width = window.innerWidth;
  window.addEventListener('resize', () => {
    if (Math.abs(window.innerWidth - width) < 40) return;
    width = window.innerWidth;
    void show(app, root, generation);
  });
  await show(app, root, generation);
}

void start();
