// Paging of long lists (outliers, members, candidates, rejected spectra).

export interface Page {
  /** Zero-based page number, clamped to the pages that exist. */
  page: number;
  pages: number;
  /** Half-open item range [from, to) of the page. */
  from: number;
  to: number;
}

/** The page `page` of `total` items at `size` per page (an empty list has one empty page). */
export function pageOf(total: number, size: number, page: number): Page {
  if (size <= 0) throw new Error('paging: page size must be positive');
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { page: p, pages, from: p * size, to: Math.min(total, (p + 1) * size) };
}

/** The page that holds item `index`. */
export function pageHolding(index: number, size: number): number {
  return Math.floor(Math.max(0, index) / size);
}

/** Previous and next entries around `value` in `list` (null at the ends or when absent). */
export function neighboursIn<T>(list: readonly T[], value: T): { prev: T | null; next: T | null; index: number } {
  const i = list.indexOf(value);
  if (i < 0) return { prev: null, next: null, index: -1 };
  return { prev: i > 0 ? list[i - 1] : null, next: i + 1 < list.length ? list[i + 1] : null, index: i };
}
