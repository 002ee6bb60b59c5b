import type { FeatureValue, FeatureVector } from '../event.ts';

/** What an expression evaluates to. `null` is the type of the `null` literal only. */
export type ValueType = 'number' | 'string' | 'boolean' | 'null';

/** Named lists resolved when a rule runs (deny lists, high-risk countries, …). */
export interface RuleEnvironment {
  readonly lists?: (name: string) => ReadonlySet<string | number> | undefined;
}

/** A compiled expression: a closure, not a tree walk. */
export type Evaluator = (features: FeatureVector, env: RuleEnvironment | undefined) => FeatureValue;

/** `a` or null when it is not a finite number: NaN and ±Infinity never escape arithmetic. */
export function finite(a: number): number | null {
  return a - a === 0 ? a : null;
}

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/**
 * Parameter kinds: a value type; `any` (is_null, coalesce); `same` (all arguments of one type,
 * coalesce). `constantString` must be a string literal (the like() pattern, compiled once).
 */
export type ParameterType = 'number' | 'string' | 'boolean' | 'any' | 'constantString';

export interface FunctionSignature {
  readonly name: string;
  readonly parameters: readonly ParameterType[];
  /** Parameters from this index on may be left out. */
  readonly optionalFrom?: number;
  /** The last parameter repeats (min, max, coalesce); at least `parameters.length` arguments. */
  readonly variadic?: boolean;
  /** The result type; `same` means the common type of the arguments. */
  readonly returns: ValueType | 'same';
  readonly description: { readonly en: string; readonly zh: string };
  /**
   * Builds the closure from the argument closures. `constants` holds the value of each argument that
   * is a literal (for `constantString` parameters).
   */
  readonly make: (args: readonly Evaluator[], constants: readonly (FeatureValue | undefined)[]) => Evaluator;
}

type N = number | null;

function numeric1(name: string, en: string, zh: string, fn: (x: number) => number): FunctionSignature {
  return {
    name,
    parameters: ['number'],
    returns: 'number',
    description: { en, zh },
    make: ([a]) => {
      const x = a as Evaluator;
      return (f, e) => {
        const v = x(f, e) as N;
        return v === null ? null : finite(fn(v));
      };
    },
  };
}

function string1(name: string, en: string, zh: string, fn: (s: string) => string | number): FunctionSignature {
  return {
    name,
    parameters: ['string'],
    returns: name === 'len' ? 'number' : 'string',
    description: { en, zh },
    make: ([a]) => {
      const x = a as Evaluator;
      return (f, e) => {
        const v = x(f, e) as string | null;
        return v === null ? null : fn(v);
      };
    },
  };
}

/** String predicates are comparisons: a null argument makes them false, never null. */
function predicate(name: string, en: string, zh: string, fn: (s: string, t: string) => boolean): FunctionSignature {
  return {
    name,
    parameters: ['string', 'string'],
    returns: 'boolean',
    description: { en, zh },
    make: ([a, b]) => {
      const x = a as Evaluator;
      const y = b as Evaluator;
      return (f, e) => {
        const s = x(f, e) as string | null;
        if (s === null) return false;
        const t = y(f, e) as string | null;
        return t === null ? false : fn(s, t);
      };
    },
  };
}

function duration(name: string, unitMs: number, en: string, zh: string): FunctionSignature {
  return numeric1(name, en, zh, (n) => n * unitMs);
}

/** Whole days and hours of an epoch-ms instant shifted by a UTC offset in hours. */
function timePart(name: string, en: string, zh: string, part: (localMs: number) => number): FunctionSignature {
  return {
    name,
    parameters: ['number', 'number'],
    optionalFrom: 1,
    returns: 'number',
    description: { en, zh },
    make: ([a, b]) => {
      const t = a as Evaluator;
      const offset = b;
      return (f, e) => {
        const at = t(f, e) as N;
        if (at === null) return null;
        let shiftHours = 0;
        if (offset !== undefined) {
          const o = offset(f, e) as N;
          if (o === null || o < -14 || o > 14) return null;
          shiftHours = o;
        }
        return finite(part(at + shiftHours * MS_PER_HOUR));
      };
    },
  };
}

function modulo(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** `round(x, digits)`: half away from zero, 0 to 10 decimal digits. */
export function roundTo(x: number, digits: number): number {
  const scale = 10 ** digits;
  const scaled = Math.abs(x) * scale;
  return (Math.sign(x) * Math.round(scaled)) / scale;
}

/**
 * A bounded LIKE matcher (no regular expressions, so no catastrophic backtracking): `%` is any run
 * of characters, `_` one character, `\` escapes the next. Greedy with one backtrack point, so the
 * cost is at most text length × pattern length.
 */
export function compileLike(pattern: string): (text: string) => boolean {
  const parts: { wildcard: '%' | '_' | null; char: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      parts.push({ wildcard: null, char: pattern[++i] as string });
    } else if (c === '%' || c === '_') {
      parts.push({ wildcard: c, char: '' });
    } else {
      parts.push({ wildcard: null, char: c });
    }
  }
  return (text) => {
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < text.length) {
      const part = parts[p];
      if (part !== undefined && (part.wildcard === '_' || (part.wildcard === null && part.char === text[t]))) {
        t++;
        p++;
      } else if (part !== undefined && part.wildcard === '%') {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (parts[p]?.wildcard === '%') p++;
    return p === parts.length;
  };
}

const FUNCTION_LIST: readonly FunctionSignature[] = [
  string1('lower', 'Lower-case copy of a string.', '字符串转小写。', (s) => s.toLowerCase()),
  string1('upper', 'Upper-case copy of a string.', '字符串转大写。', (s) => s.toUpperCase()),
  string1('trim', 'The string without leading and trailing white space.', '去掉首尾空白。', (s) => s.trim()),
  string1('len', 'Length of a string in UTF-16 code units.', '字符串长度（UTF-16 码元数）。', (s) => s.length),
  predicate('contains', 'True when the first string contains the second.', '第一个字符串包含第二个时为真。', (s, t) =>
    s.includes(t),
  ),
  predicate(
    'starts_with',
    'True when the first string starts with the second.',
    '第一个字符串以第二个开头时为真。',
    (s, t) => s.startsWith(t),
  ),
  predicate(
    'ends_with',
    'True when the first string ends with the second.',
    '第一个字符串以第二个结尾时为真。',
    (s, t) => s.endsWith(t),
  ),
  {
    name: 'like',
    parameters: ['string', 'constantString'],
    returns: 'boolean',
    description: {
      en: 'SQL-style pattern match of the whole string: % any run, _ one character, \\ escapes. The pattern must be a literal.',
      zh: 'SQL 风格的整串模式匹配：% 匹配任意串，_ 匹配一个字符，\\ 转义。模式必须是字面量。',
    },
    make: ([a], [, pattern]) => {
      const x = a as Evaluator;
      const match = compileLike(typeof pattern === 'string' ? pattern : '');
      return (f, e) => {
        const s = x(f, e) as string | null;
        return s === null ? false : match(s);
      };
    },
  },
  numeric1('abs', 'Absolute value.', '绝对值。', Math.abs),
  numeric1('floor', 'Largest integer not above x.', '向下取整。', Math.floor),
  numeric1('ceil', 'Smallest integer not below x.', '向上取整。', Math.ceil),
  numeric1('sqrt', 'Square root; null for negative x.', '平方根；x 为负时为空值。', Math.sqrt),
  numeric1('log', 'Natural logarithm; null for x ≤ 0.', '自然对数；x ≤ 0 时为空值。', (x) =>
    x > 0 ? Math.log(x) : Number.NaN,
  ),
  numeric1('log10', 'Base-10 logarithm; null for x ≤ 0.', '常用对数；x ≤ 0 时为空值。', (x) =>
    x > 0 ? Math.log10(x) : Number.NaN,
  ),
  {
    name: 'round',
    parameters: ['number', 'number'],
    optionalFrom: 1,
    returns: 'number',
    description: {
      en: 'Rounds half away from zero to 0–10 decimal digits (default 0); other digit counts give null.',
      zh: '四舍五入（远离零）到 0–10 位小数（默认 0）；其他位数得到空值。',
    },
    make: ([a, b]) => {
      const x = a as Evaluator;
      return (f, e) => {
        const v = x(f, e) as N;
        if (v === null) return null;
        if (b === undefined) return roundTo(v, 0);
        const digits = b(f, e) as N;
        if (digits === null || !Number.isInteger(digits) || digits < 0 || digits > 10) return null;
        return finite(roundTo(v, digits));
      };
    },
  },
  ...(['min', 'max'] as const).map(
    (name): FunctionSignature => ({
      name,
      parameters: ['number', 'number'],
      variadic: true,
      returns: 'number',
      description:
        name === 'min'
          ? {
              en: 'Smallest of two or more numbers; null if any is null.',
              zh: '两个或以上数值中的最小值；任一为空则为空值。',
            }
          : {
              en: 'Largest of two or more numbers; null if any is null.',
              zh: '两个或以上数值中的最大值；任一为空则为空值。',
            },
      make: (args) => {
        const pick = name === 'min' ? Math.min : Math.max;
        return (f, e) => {
          let best = (args[0] as Evaluator)(f, e) as N;
          if (best === null) return null;
          for (let i = 1; i < args.length; i++) {
            const v = (args[i] as Evaluator)(f, e) as N;
            if (v === null) return null;
            best = pick(best, v);
          }
          return best;
        };
      },
    }),
  ),
  {
    name: 'clamp',
    parameters: ['number', 'number', 'number'],
    returns: 'number',
    description: {
      en: 'x limited to [lo, hi]; null if any is null or lo > hi.',
      zh: '把 x 限制在 [lo, hi] 内；任一为空或 lo > hi 时为空值。',
    },
    make: ([a, b, c]) => {
      const x = a as Evaluator;
      const lo = b as Evaluator;
      const hi = c as Evaluator;
      return (f, e) => {
        const v = x(f, e) as N;
        const l = lo(f, e) as N;
        const h = hi(f, e) as N;
        if (v === null || l === null || h === null || l > h) return null;
        return v < l ? l : v > h ? h : v;
      };
    },
  },
  {
    name: 'is_null',
    parameters: ['any'],
    returns: 'boolean',
    description: { en: 'True when the value is null (missing).', zh: '值为空（缺失）时为真。' },
    make: ([a]) => {
      const x = a as Evaluator;
      return (f, e) => x(f, e) === null;
    },
  },
  {
    name: 'coalesce',
    parameters: ['any', 'any'],
    variadic: true,
    returns: 'same',
    description: {
      en: 'The first argument that is not null; all arguments have one type.',
      zh: '第一个非空的参数；所有参数类型相同。',
    },
    make: (args) => (f, e) => {
      for (const arg of args) {
        const v = arg(f, e);
        if (v !== null) return v;
      }
      return null;
    },
  },
  timePart(
    'hour_of_day',
    'Hour 0–23 of an epoch-ms time, at an optional UTC offset in hours (−14…14, default 0: UTC).',
    '纪元毫秒时间的小时（0–23），可选 UTC 偏移小时数（−14…14，默认 0 即 UTC）。',
    (local) => Math.floor(modulo(local, MS_PER_DAY) / MS_PER_HOUR),
  ),
  timePart(
    'day_of_week',
    'ISO day of the week 1 (Monday) – 7 (Sunday) of an epoch-ms time, at an optional UTC offset in hours.',
    '纪元毫秒时间的 ISO 星期几：1（周一）到 7（周日），可选 UTC 偏移小时数。',
    (local) => modulo(Math.floor(local / MS_PER_DAY) + 3, 7) + 1,
  ),
  duration('seconds', MS_PER_SECOND, 'n seconds in milliseconds.', 'n 秒对应的毫秒数。'),
  duration('minutes', MS_PER_MINUTE, 'n minutes in milliseconds.', 'n 分钟对应的毫秒数。'),
  duration('hours', MS_PER_HOUR, 'n hours in milliseconds.', 'n 小时对应的毫秒数。'),
  duration('days', MS_PER_DAY, 'n days in milliseconds.', 'n 天对应的毫秒数。'),
];

/** Every function the rule language knows, by name. */
export const RULE_FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(FUNCTION_LIST.map((f) => [f.name, f]));
