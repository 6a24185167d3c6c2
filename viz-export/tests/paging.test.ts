import { describe, expect, it } from 'vitest';
import { neighboursIn, pageHolding, pageOf } from '../src/logic/paging';
import { positionOfRow, searchIndex } from '../src/logic/search';

describe('paging', () => {
  it('splits 120 items into pages of 50, 50, 20', () => {
    expect(pageOf(120, 50, 0)).toEqual({ page: 0, pages: 3, from: 0, to: 50 });
    expect(pageOf(120, 50, 2)).toEqual({ page: 2, pages: 3, from: 100, to: 120 });
  });
  it('clamps pages outside the list and gives an empty list one empty page', () => {
    expect(pageOf(120, 50, 7).page).toBe(2);
    expect(pageOf(120, 50, -3).page).toBe(0);
    expect(pageOf(0, 50, 0)).toEqual({ page: 0, pages: 1, from: 0, to: 0 });
    expect(() => pageOf(10, 0, 0)).toThrow(/paging/);
  });
  it('covers every item exactly once over all pages', () => {
    const seen: number[] = [];
    const { pages } = pageOf(1234, 50, 0);
    for (let p = 0; p < pages; p++) {
      const pg = pageOf(1234, 50, p);
      for (let i = pg.from; i < pg.to; i++) seen.push(i);
    }
    expect(seen).toEqual(Array.from({ length: 1234 }, (_, i) => i));
    expect(pageHolding(1233, 50)).toBe(24);
  });
  it('finds previous and next within a list', () => {
    expect(neighboursIn([5, 9, 2], 9)).toEqual({ prev: 5, next: 2, index: 1 });
    expect(neighboursIn([5, 9, 2], 5)).toEqual({ prev: null, next: 9, index: 0 });
    expect(neighboursIn([5, 9, 2], 7)).toEqual({ prev: null, next: null, index: -1 });
  });
});

describe('search', () => {
  const index = { row: [4, 8, 15, 16], id: ['sp-1', 'sp-10', 'SP-100', 'x'], object: ['', 'HD 123', '', 'M31'], label: ['emission', '', 'absorption', 'emission'] };
  it('finds by id (exact match first), object or label, ignoring case', () => {
    expect(searchIndex(index, 'sp-10')).toEqual([1, 2]);
    expect(searchIndex(index, 'hd 1')).toEqual([1]);
    expect(searchIndex(index, 'EMISSION')).toEqual([0, 3]);
    expect(searchIndex(index, '  ')).toEqual([]);
    expect(searchIndex(index, 'sp', 2)).toHaveLength(2);
  });
  it('finds a row in the index', () => {
    expect(positionOfRow(index, 15)).toBe(2);
    expect(positionOfRow(index, 3)).toBe(-1);
  });
});
