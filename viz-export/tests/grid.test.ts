import { describe, expect, it } from 'vitest';
import { bounds, cellCentre, cellCorners, drawnCells, neighbours, nodeAt, type Lattice } from '../src/logic/grid';

const hex = (topology: Lattice['topology']): Lattice => ({ rows: 4, cols: 5, grid: 'hexagonal', topology });
const rect = (topology: Lattice['topology']): Lattice => ({ rows: 3, cols: 4, grid: 'rectangular', topology });
const dist = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(a.x - b.x, a.y - b.y);

describe('hexagonal lattice', () => {
  it('places nodes as som.h5 does: odd rows shifted by half, rows sqrt(3)/2 apart', () => {
    expect(cellCentre(hex('planar'), 0, 2)).toEqual({ x: 2, y: 0 });
    const p = cellCentre(hex('planar'), 1, 0);
    expect(p.x).toBeCloseTo(0.5);
    expect(p.y).toBeCloseTo(0.8660254);
  });
  it('has every neighbour at unit distance on a planar map (an invariant of the hex lattice)', () => {
    const l = hex('planar');
    for (let k = 0; k < 20; k++) {
      const c = cellCentre(l, Math.floor(k / 5), k % 5);
      for (const n of neighbours(l, k)) expect(dist(c, cellCentre(l, Math.floor(n / 5), n % 5))).toBeCloseTo(1);
    }
  });
  it('gives an inner node six neighbours and a corner two or three', () => {
    // node 7 is row 1 (odd, shifted right), column 2: above and below it are columns 2 and 3.
    expect(neighbours(hex('planar'), 7)).toEqual([2, 3, 6, 8, 12, 13]);
    expect(neighbours(hex('planar'), 0)).toEqual([1, 5]);
  });
  it('wraps on a torus: every node has six neighbours, and the relation is symmetric', () => {
    const l = hex('toroidal');
    for (let k = 0; k < 20; k++) {
      const ns = neighbours(l, k);
      expect(ns).toHaveLength(6);
      for (const n of ns) expect(neighbours(l, n)).toContain(k);
    }
    expect(neighbours(l, 0)).toEqual([1, 4, 5, 9, 15, 19]);
  });
  it('draws hexagons of circumradius 1/sqrt(3) that tile (adjacent centres share an edge)', () => {
    const l = hex('planar');
    const corners = cellCorners(l, { x: 0, y: 0 });
    expect(corners).toHaveLength(6);
    for (const c of corners) expect(Math.hypot(c.x, c.y)).toBeCloseTo(1 / Math.sqrt(3));
    const other = cellCorners(l, cellCentre(l, 0, 1));
    const shared = corners.filter((a) => other.some((b) => dist(a, b) < 1e-9));
    expect(shared).toHaveLength(2);
  });
});

describe('rectangular lattice', () => {
  it('uses unit squares and four neighbours', () => {
    expect(cellCentre(rect('planar'), 2, 3)).toEqual({ x: 3, y: 2 });
    expect(neighbours(rect('planar'), 5)).toEqual([1, 4, 6, 9]);
    expect(neighbours(rect('planar'), 0)).toEqual([1, 4]);
    expect(neighbours(rect('toroidal'), 0)).toEqual([1, 3, 4, 8]);
  });
  it('maps lattice places to nodes, off the map only on a torus', () => {
    expect(nodeAt(rect('planar'), -1, 0)).toBeNull();
    expect(nodeAt(rect('toroidal'), -1, 0)).toBe(8);
    expect(nodeAt(rect('toroidal'), 3, 4)).toBe(0);
  });
});

describe('drawn cells', () => {
  it('draws each node once on a planar map', () => {
    const cells = drawnCells(hex('planar'));
    expect(cells).toHaveLength(20);
    expect(cells.every((c) => !c.ghost)).toBe(true);
  });
  it('adds a ring of ghosts on a torus that repeat the opposite edge', () => {
    const cells = drawnCells(rect('toroidal'));
    expect(cells).toHaveLength(5 * 6);
    expect(cells.filter((c) => c.ghost)).toHaveLength(30 - 12);
    const leftOfFirst = cells.find((c) => c.row === 0 && c.col === -1)!;
    expect(leftOfFirst).toMatchObject({ node: 3, ghost: true });
  });
  it('bounds every drawn corner', () => {
    const b = bounds(rect('planar'), drawnCells(rect('planar')));
    expect(b).toEqual({ x: -0.5, y: -0.5, w: 4, h: 3 });
  });
});
