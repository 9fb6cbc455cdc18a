import { isKnownHeader } from './targets';

/** How far down a file its header row is looked for. */
export const HEADER_SEARCH_ROWS = 10;

const filled = (cells: readonly string[]): string[] =>
  cells.map((cell) => cell.trim()).filter((cell) => cell !== '');

/** The number of cells up to the last one that is not empty. */
const width = (cells: readonly string[]): number => {
  let end = cells.length;
  while (end > 0 && cells[end - 1].trim() === '') end--;
  return end;
};

/**
 * Which of a file's first rows is its header (an index into `rows`, which hold the first rows
 * that are not empty): the first in which most cells, or at least three, are known column
 * names; else the first with two or more cells whose next row is no wider (a title line above
 * the table has one cell); else the first row.
 */
export function findHeaderRow(rows: readonly (readonly string[])[]): number {
  const candidates = rows.slice(0, HEADER_SEARCH_ROWS);
  const byWords = candidates.findIndex((cells) => {
    const names = filled(cells);
    const known = names.filter(isKnownHeader).length;
    return known > 0 && (known >= 3 || known * 2 > names.length);
  });
  if (byWords >= 0) return byWords;
  const byShape = candidates.findIndex(
    (cells, i) =>
      filled(cells).length >= 2 && (i + 1 >= rows.length || width(rows[i + 1]) <= width(cells)),
  );
  return byShape >= 0 ? byShape : 0;
}

/** The header cells, trimmed, without the empty ones at the end. */
export const headerCells = (cells: readonly string[]): string[] =>
  cells.slice(0, width(cells)).map((cell) => cell.trim());
