// Geometry of a SOM's node lattice, as som.h5 lays it out (docs/som.md): node k sits at row
// k / cols, column k % cols; hexagonal maps shift odd rows by half a node spacing and rows
// are sqrt(3)/2 apart (pointy-top hexagons), rectangular maps are a unit square lattice.

export type GridKind = 'hexagonal' | 'rectangular';
export type Topology = 'planar' | 'toroidal';

export interface Lattice {
  rows: number;
  cols: number;
  grid: GridKind;
  topology: Topology;
}

export interface Point {
  x: number;
  y: number;
}

const kRowStep = Math.sqrt(3) / 2;

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Centre of the cell at (row, col) in node spacings; rows and cols may lie outside the map. */
export function cellCentre(l: Lattice, row: number, col: number): Point {
  if (l.grid === 'hexagonal') return { x: col + 0.5 * mod(row, 2), y: row * kRowStep };
  return { x: col, y: row };
}

/** Corners of the cell around `c` (a hexagon of circumradius 1/sqrt(3), or a unit square). */
export function cellCorners(l: Lattice, c: Point): Point[] {
  if (l.grid === 'rectangular') {
    return [
      { x: c.x - 0.5, y: c.y - 0.5 },
      { x: c.x + 0.5, y: c.y - 0.5 },
      { x: c.x + 0.5, y: c.y + 0.5 },
      { x: c.x - 0.5, y: c.y + 0.5 },
    ];
  }
  const r = 1 / Math.sqrt(3);
  const out: Point[] = [];
  for (let k = 0; k < 6; k++) {
    const a = ((30 + 60 * k) * Math.PI) / 180;
    out.push({ x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a) });
  }
  return out;
}

/** The node index at (row, col), wrapped on a torus; null off a planar map. */
export function nodeAt(l: Lattice, row: number, col: number): number | null {
  if (l.topology === 'toroidal') return mod(row, l.rows) * l.cols + mod(col, l.cols);
  if (row < 0 || row >= l.rows || col < 0 || col >= l.cols) return null;
  return row * l.cols + col;
}

/** Lattice offsets (drow, dcol) of the neighbours of a cell in `row`. */
function offsets(l: Lattice, row: number): [number, number][] {
  if (l.grid === 'rectangular') return [[0, -1], [0, 1], [-1, 0], [1, 0]];
  const shift = mod(row, 2) === 1 ? 0 : -1;
  return [[0, -1], [0, 1], [-1, shift], [-1, shift + 1], [1, shift], [1, shift + 1]];
}

/** The distinct grid neighbours of node k (wrapping on a torus), in ascending order. */
export function neighbours(l: Lattice, k: number): number[] {
  const row = Math.floor(k / l.cols);
  const col = k % l.cols;
  const out = new Set<number>();
  for (const [dr, dc] of offsets(l, row)) {
    const n = nodeAt(l, row + dr, col + dc);
    if (n !== null && n !== k) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

/** A cell to draw: the node it shows and its lattice place (ghosts lie outside the map). */
export interface DrawnCell {
  node: number;
  row: number;
  col: number;
  ghost: boolean;
}

/**
 * Every cell to draw: the map's own cells, and on a torus a ring of ghost cells around it
 * that repeat the nodes of the opposite edges, so the wrap is visible.
 */
export function drawnCells(l: Lattice): DrawnCell[] {
  const out: DrawnCell[] = [];
  const ring = l.topology === 'toroidal' ? 1 : 0;
  for (let row = -ring; row < l.rows + ring; row++) {
    for (let col = -ring; col < l.cols + ring; col++) {
      const node = nodeAt(l, row, col);
      if (node === null) continue;
      const ghost = row < 0 || row >= l.rows || col < 0 || col >= l.cols;
      out.push({ node, row, col, ghost });
    }
  }
  return out;
}

/** Bounding box of the drawn cells (with their corners), for an SVG viewBox. */
export function bounds(l: Lattice, cells: DrawnCell[]): { x: number; y: number; w: number; h: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const c of cells) {
    for (const p of cellCorners(l, cellCentre(l, c.row, c.col))) {
      x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
    }
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
