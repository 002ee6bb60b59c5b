// Proves the console formats API amounts exactly from their decimal strings (no float rounding, any size), per locale, and converts calendar days in the institution's time zone.
import { describe, expect, it } from 'vitest';
import { decimate } from './decimate.ts';
import { formatCount, formatDecimal, formatMoney, isNegative, startOfDayIso } from './format.ts';

describe('money formatting', () => {
  it('keeps every digit of amounts that a float would round', () => {
    expect(formatMoney('92233720368547758.07', 'CNY', 'en')).toBe('CN¥92,233,720,368,547,758.07');
    expect(formatMoney('92233720368547758.07', 'CNY', 'zh-CN')).toBe('¥92,233,720,368,547,758.07');
    expect(formatMoney('0.10', 'CNY', 'en')).toBe('CN¥0.10');
    expect(formatMoney('9007199254740993.01', 'USD', 'en')).toBe('$9,007,199,254,740,993.01');
    expect(formatDecimal('123456789012345678.99', 'en')).toBe('123,456,789,012,345,678.99');
  });

  it('shows the minor digits the currency has, as the API sent them', () => {
    expect(formatMoney('1500', 'JPY', 'en')).toBe('¥1,500');
    expect(formatMoney('1.234', 'KWD', 'en').replace(/\s/g, ' ')).toBe('KWD 1.234');
    expect(formatMoney('-12.50', 'CNY', 'zh-CN')).toBe('-¥12.50');
  });

  it('shows a malformed amount as it came rather than guessing', () => {
    expect(formatMoney('12,5', 'CNY', 'en')).toBe('12,5 CNY');
    expect(formatMoney('1e5', 'CNY', 'en')).toBe('1e5 CNY');
  });

  it('tells negatives without parsing, and formats counts per locale', () => {
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
    expect(isNegative('5.00')).toBe(false);
    expect(formatCount(1234567, 'zh-CN')).toBe('1,234,567');
  });

  it('starts a calendar day at midnight in the institution time zone', () => {
    expect(startOfDayIso('2026-01-05', 'Asia/Shanghai')).toBe('2026-01-04T16:00:00.000Z');
    expect(startOfDayIso('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(startOfDayIso('2026-01-05', 'UTC')).toBe('2026-01-05T00:00:00.000Z');
    expect(startOfDayIso('not a day', 'UTC')).toBeUndefined();
  });
});

describe('chart decimation', () => {
  it('draws 10,000 points as at most four per pixel column and keeps every extreme', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({
      x: i,
      y: Math.sin(i / 50) * 100 + (i === 7_777 ? 5_000 : 0),
    }));
    const shown = decimate(points, 640);
    expect(shown.length).toBeLessThanOrEqual(4 * 640);
    expect(shown.some((p) => p.y > 4_000)).toBe(true);
    expect(Math.min(...shown.map((p) => p.y))).toBe(Math.min(...points.map((p) => p.y)));
    expect(shown[0]).toBe(points[0]);
    expect(shown.at(-1)).toBe(points.at(-1));
    expect(shown.map((p) => p.x)).toEqual([...shown.map((p) => p.x)].sort((a, b) => a - b));
  });

  it('leaves short series alone', () => {
    const points = [
      { x: 0, y: 1 },
      { x: 1, y: 2 },
    ];
    expect(decimate(points, 640)).toEqual(points);
    expect(decimate([], 640)).toEqual([]);
  });
});
