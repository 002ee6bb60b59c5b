/**
 * Reduces a series to what a chart `width` pixels wide can show: per pixel column the first, the
 * lowest, the highest and the last point, in order. Every extreme survives (a spike is never
 * smoothed away), and 10,000 points become at most 4 × width, so drawing stays fast however long
 * the series. Points must be sorted by x.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export function decimate(points: readonly Point[], width: number): Point[] {
  const columns = Math.max(1, Math.floor(width));
  if (points.length <= columns * 4) return [...points];
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  const span = last.x - first.x || 1;
  const out: Point[] = [];
  let column = -1;
  let bucket: Point[] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let low = bucket[0] as Point;
    let high = low;
    for (const p of bucket) {
      if (p.y < low.y) low = p;
      if (p.y > high.y) high = p;
    }
    const picked = new Set<Point>([bucket[0] as Point, low, high, bucket[bucket.length - 1] as Point]);
    out.push(...bucket.filter((p) => picked.has(p)));
    bucket = [];
  };
  for (const point of points) {
    const c = Math.min(columns - 1, Math.floor(((point.x - first.x) / span) * columns));
    if (c !== column) {
      flush();
      column = c;
    }
    bucket.push(point);
  }
  flush();
  return out;
}
