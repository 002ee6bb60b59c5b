// One page of a keyset-paginated list: the shape every list endpoint returns.
import { assert } from './assert.ts';

export interface CursorPage<T> {
  readonly data: T[];
  /** Pass back to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Turns `rows` read with `limit + 1` (one more than a page, to learn whether another page follows)
 * into a page of at most `limit` items, each mapped by `view`, with the cursor of its last row.
 */
export function cursorPage<R, T>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => T,
  cursorOf: (last: R) => string,
): CursorPage<T> {
  assert(Number.isInteger(limit) && limit >= 1, 'a page holds at least one item');
  assert(rows.length <= limit + 1, 'read at most one row past the page');
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(view), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
