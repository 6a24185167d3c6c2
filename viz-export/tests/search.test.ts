import { describe, expect, it } from 'vitest';
import { positionOfRow, searchIndex } from '../src/logic/search';

const index = {
  row: [4, 9, 12, 30],
  id: ['a201402030013', 'a201403280029', 'HD34452-b', 'x'],
  object: ['HD 34452', 'HD 46056', '', 'V395 Aur'],
  label: ['emission', 'absorption', 'emission', ''],
};

describe('search', () => {
  it('finds spectra by object name, case-insensitive', () => {
    expect(searchIndex(index, 'hd 46056')).toEqual([1]);
    expect(searchIndex(index, 'v395')).toEqual([3]);
    expect(searchIndex(index, 'hd 3')).toEqual([0]); // not the id HD34452-b
    expect(searchIndex(index, 'hd')).toEqual([0, 1, 2]); // object, object, id
  });
  it('puts an exact id first, then id, object and label matches in index order', () => {
    expect(searchIndex(index, 'x')).toEqual([3]);
    expect(searchIndex(index, 'HD34452-b')).toEqual([2]);
    expect(searchIndex(index, 'emission')).toEqual([0, 2]);
    expect(searchIndex(index, '  ')).toEqual([]);
  });
  it('stops at the limit and finds positions of rows', () => {
    expect(searchIndex(index, 'a2014', 1)).toEqual([0]);
    expect(positionOfRow(index, 12)).toBe(2);
    expect(positionOfRow(index, 13)).toBe(-1);
  });
});
