import { useMemo } from 'react';
import { decimate, type Point } from './decimate.ts';

/**
 * A small SVG line chart. Long series are decimated to the chart's width first (see decimate.ts),
 * so a 10,000-point series draws as a few hundred path segments. The chart is an image with a text
 * alternative (`label`); the numbers themselves are in the page as text for screen readers.
 */
export function LineChart({
  points,
  label,
  width = 640,
  height = 160,
  bars = false,
}: {
  points: readonly Point[];
  label: string;
  width?: number;
  height?: number;
  bars?: boolean;
}) {
  const path = useMemo(() => {
    const shown = decimate(points, width);
    if (shown.length === 0) return '';
    const xs = shown.map((p) => p.x);
    const ys = shown.map((p) => p.y);
    const minX = Math.min(...xs);
    const maxX = Math.max(...xs);
    // Bars grow from zero; a line (a balance) uses the range of its data, so changes stay visible.
    const low = Math.min(...ys);
    const high = Math.max(...ys);
    const minY = bars ? Math.min(0, low) : low - (high - low) * 0.05;
    const maxY = Math.max(high + (bars ? 0 : (high - low) * 0.05), minY + 1e-9);
    const pad = 4;
    const sx = (x: number) => pad + ((x - minX) / (maxX - minX || 1)) * (width - 2 * pad);
    const sy = (y: number) => height - pad - ((y - minY) / (maxY - minY)) * (height - 2 * pad);
    if (bars) {
      const barWidth = Math.max(1, (width - 2 * pad) / shown.length - 1);
      return shown
        .map(
          (p) =>
            `M${sx(p.x).toFixed(1)} ${sy(minY).toFixed(1)}V${sy(p.y).toFixed(1)}h${barWidth.toFixed(1)}V${sy(minY).toFixed(1)}z`,
        )
        .join('');
    }
    return shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`).join('');
  }, [points, width, height, bars]);
  return (
    <svg
      className={bars ? 'chart chart-bars' : 'chart'}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <path d={path} />
    </svg>
  );
}
