// Search over spectra/index: by id, object name or label.

export interface IndexColumns {
  row: number[];
  id: string[];
  object: string[];
  label: string[];
}

/**
 * Positions in the index whose id, object or label contains `text` (case-insensitive);
 * exact id matches come first. An empty query matches nothing.
 */
export function searchIndex(index: IndexColumns, text: string, limit = 1000): number[] {
  const q = text.trim().toLowerCase();
  if (q === '') return [];
  const exact: number[] = [];
  const partial: number[] = [];
  for (let i = 0; i < index.row.length && exact.length + partial.length < limit; i++) {
    const id = index.id[i].toLowerCase();
    if (id === q) exact.push(i);
    else if (id.includes(q) || index.object[i].toLowerCase().includes(q) || index.label[i].toLowerCase().includes(q)) partial.push(i);
  }
  return [...exact, ...partial];
}

/** Position of `row` in the index, or -1. */
export function positionOfRow(index: { row: number[] }, row: number): number {
  return index.row.indexOf(row);
}
