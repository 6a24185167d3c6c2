// Hash routes of the report: #/overview, #/som, #/som/node/12, #/forest, #/forest/cell/1/2,
// #/predict, #/compare, #/spectrum/17, #/search/<text>.

export type Route =
  | { page: 'overview' }
  | { page: 'som' }
  | { page: 'node'; node: number }
  | { page: 'forest' }
  | { page: 'cell'; truth: number; predicted: number }
  | { page: 'predict' }
  | { page: 'compare' }
  | { page: 'spectrum'; row: number }
  | { page: 'search'; text: string }
  | { page: 'unknown'; hash: string };

function int(s: string | undefined): number | null {
  if (s === undefined || !/^\d+$/.test(s)) return null;
  return Number(s);
}

/** Parses a location hash ("#/som/node/12" or "") into a route; "" is the overview. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const parts = path.split('/');
  const [head, a, b, c] = parts;
  if (path === '' || (head === 'overview' && parts.length === 1)) return { page: 'overview' };
  if (head === 'som' && parts.length === 1) return { page: 'som' };
  if (head === 'som' && a === 'node' && parts.length === 3 && int(b) !== null) return { page: 'node', node: int(b)! };
  if (head === 'forest' && parts.length === 1) return { page: 'forest' };
  if (head === 'forest' && a === 'cell' && parts.length === 4 && int(b) !== null && int(c) !== null) {
    return { page: 'cell', truth: int(b)!, predicted: int(c)! };
  }
  if (head === 'predict' && parts.length === 1) return { page: 'predict' };
  if (head === 'compare' && parts.length === 1) return { page: 'compare' };
  if (head === 'spectrum' && parts.length === 2 && int(a) !== null) return { page: 'spectrum', row: int(a)! };
  if (head === 'search' && parts.length >= 1) return { page: 'search', text: decodeURIComponent(parts.slice(1).join('/')) };
  return { page: 'unknown', hash };
}

/** The hash of a route (the inverse of parseRoute for every known page). */
export function routeHash(r: Route): string {
  switch (r.page) {
    case 'overview':
      return '#/overview';
    case 'som':
      return '#/som';
    case 'node':
      return `#/som/node/${r.node}`;
    case 'forest':
      return '#/forest';
    case 'cell':
      return `#/forest/cell/${r.truth}/${r.predicted}`;
    case 'predict':
      return '#/predict';
    case 'compare':
      return '#/compare';
    case 'spectrum':
      return `#/spectrum/${r.row}`;
    case 'search':
      return `#/search/${encodeURIComponent(r.text)}`;
    case 'unknown':
      return r.hash;
  }
}

/** Which top-level tab a route belongs to (for the navigation bar). */
export function tabOf(r: Route): string {
  if (r.page === 'node') return 'som';
  if (r.page === 'cell') return 'forest';
  if (r.page === 'search') return 'spectrum';
  return r.page;
}
