import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataLoader } from '../src/data/loader';

// A stand-in for the browser: appending a <script> "runs" the file named by its src from
// `files` (each a function of the page's window), then fires onload, or onerror when absent.
interface FakeScript { src: string; async: boolean; onload: (() => void) | null; onerror: (() => void) | null; remove: () => void }
let files: Record<string, (w: Window) => void>;
let requested: string[];

beforeEach(() => {
  files = {};
  requested = [];
  const win = {} as Window;
  const doc = {
    createElement: (): FakeScript => ({ src: '', async: false, onload: null, onerror: null, remove: () => undefined }),
    head: {
      appendChild: (s: FakeScript) => {
        requested.push(s.src);
        const file = files[s.src];
        setTimeout(() => (file ? (file(win), s.onload?.()) : s.onerror?.()), 0);
      },
    },
  };
  Object.assign(globalThis, { window: win, document: doc });
});
afterEach(() => {
  delete (globalThis as Record<string, unknown>).window;
  delete (globalThis as Record<string, unknown>).document;
});

describe('DataLoader', () => {
  it('loads data/NAME.js once and hands out what it passed to vocloudData', async () => {
    files['data/spectra/shard-000001.js'] = (w) => w.vocloudData!('spectra/shard-000001', { spectra: [1] });
    const data = new DataLoader('data/');
    const [a, b] = await Promise.all([data.load('spectra/shard-000001'), data.load('spectra/shard-000001')]);
    expect(a).toEqual({ spectra: [1] });
    expect(b).toBe(a);
    expect(requested).toEqual(['data/spectra/shard-000001.js']);
  });
  it('names the file that could not be loaded, and tries it again later', async () => {
    const data = new DataLoader('data/');
    await expect(data.load('som')).rejects.toThrow('data: data/som.js could not be loaded');
    await expect(data.load('som')).rejects.toThrow(/could not be loaded/);
    expect(requested).toEqual(['data/som.js', 'data/som.js']);
  });
  it('refuses a file that hands over another name', async () => {
    files['data/forest.js'] = (w) => w.vocloudData!('forest/cell-0-1', {});
    await expect(new DataLoader('data/').load('forest')).rejects.toThrow('data: data/forest.js loaded but did not call vocloudData("forest", ...)');
  });
});
