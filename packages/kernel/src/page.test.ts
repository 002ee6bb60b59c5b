// Proves a cursor page holds at most `limit` items and names a next cursor exactly when a row past the page was read.
import { describe, expect, it } from 'vitest';
import { cursorPage } from './page.ts';

describe('cursorPage', () => {
  const view = (n: number) => `#${n}`;
  const cursorOf = (n: number) => `after-${n}`;

  it('cuts the extra row and points the cursor at the last row of the page', () => {
    expect(cursorPage([1, 2, 3], 2, view, cursorOf)).toEqual({ data: ['#1', '#2'], nextCursor: 'after-2' });
  });

  it('has no next cursor on the last page, full or not, or when empty', () => {
    expect(cursorPage([1, 2], 2, view, cursorOf)).toEqual({ data: ['#1', '#2'], nextCursor: null });
    expect(cursorPage([1], 2, view, cursorOf)).toEqual({ data: ['#1'], nextCursor: null });
    expect(cursorPage([], 2, view, cursorOf)).toEqual({ data: [], nextCursor: null });
  });

  it('refuses a page size below one and more than one extra row', () => {
    expect(() => cursorPage([1], 0, view, cursorOf)).toThrow();
    expect(() => cursorPage([1, 2, 3, 4], 2, view, cursorOf)).toThrow();
  });
});
