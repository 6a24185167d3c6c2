import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, tabOf, type Route } from '../src/logic/route';

describe('routes', () => {
  it('parses every page of the report', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/overview')).toEqual({ page: 'overview' });
    expect(parseRoute('#/som')).toEqual({ page: 'som' });
    expect(parseRoute('#/som/node/12')).toEqual({ page: 'node', node: 12 });
    expect(parseRoute('#/forest/cell/1/2')).toEqual({ page: 'cell', truth: 1, predicted: 2 });
    expect(parseRoute('#/predict')).toEqual({ page: 'predict' });
    expect(parseRoute('#/compare')).toEqual({ page: 'compare' });
    expect(parseRoute('#/spectrum/17')).toEqual({ page: 'spectrum', row: 17 });
    expect(parseRoute('#/search/synth%2F001%20a')).toEqual({ page: 'search', text: 'synth/001 a' });
    expect(parseRoute('#/search/')).toEqual({ page: 'search', text: '' });
  });
  it('refuses malformed numbers and unknown pages', () => {
    for (const h of ['#/som/node/-1', '#/som/node/x', '#/spectrum/1.5', '#/forest/cell/1', '#/nothing', '#/som/extra']) {
      expect(parseRoute(h).page).toBe('unknown');
    }
  });
  it('round-trips through routeHash', () => {
    const routes: Route[] = [
      { page: 'overview' }, { page: 'som' }, { page: 'node', node: 3 }, { page: 'forest' },
      { page: 'cell', truth: 0, predicted: 2 }, { page: 'predict' }, { page: 'compare' }, { page: 'spectrum', row: 599 }, { page: 'search', text: 'HD 1/2' },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });
  it('puts sub-pages under their tab', () => {
    expect(tabOf({ page: 'node', node: 1 })).toBe('som');
    expect(tabOf({ page: 'cell', truth: 0, predicted: 0 })).toBe('forest');
    expect(tabOf({ page: 'search', text: '' })).toBe('spectrum');
  });
});
