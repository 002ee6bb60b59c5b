/**
 * Exact decimal text handling for ISO 20022 amounts and control sums. xs:decimal lexical form:
 * an optional sign, digits with an optional point (`12`, `12.5`, `.5`, `12.`); the value's digits
 * count without leading zeros in the integer part and trailing zeros in the fraction (XSD
 * totalDigits / fractionDigits facets constrain the value, not the lexical form).
 */
export interface DecimalParts {
  readonly negative: boolean;
  /** Integer digits without leading zeros ('' for zero). */
  readonly whole: string;
  /** Fraction digits without trailing zeros. */
  readonly fraction: string;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Splits an xs:decimal into normalised parts, or undefined when the text is not an xs:decimal. */
export function parseDecimal(text: string): DecimalParts | undefined {
  let i = 0;
  let negative = false;
  if (text[0] === '+' || text[0] === '-') {
    negative = text[0] === '-';
    i = 1;
  }
  const point = text.indexOf('.', i);
  const wholeRaw = point < 0 ? text.slice(i) : text.slice(i, point);
  const fractionRaw = point < 0 ? '' : text.slice(point + 1);
  if (wholeRaw.length + fractionRaw.length === 0) return undefined;
  for (let k = 0; k < wholeRaw.length; k++) if (!isDigitCode(wholeRaw.charCodeAt(k))) return undefined;
  for (let k = 0; k < fractionRaw.length; k++) if (!isDigitCode(fractionRaw.charCodeAt(k))) return undefined;
  let start = 0;
  while (start < wholeRaw.length && wholeRaw[start] === '0') start++;
  let end = fractionRaw.length;
  while (end > 0 && fractionRaw[end - 1] === '0') end--;
  const whole = wholeRaw.slice(start);
  const fraction = fractionRaw.slice(0, end);
  return { negative: negative && (whole !== '' || fraction !== ''), whole, fraction };
}

/** The value scaled to `scale` fraction digits as a bigint (the caller has checked the fraction fits). */
export function scaled(parts: DecimalParts, scale: number): bigint {
  const digits = `${parts.whole}${parts.fraction.padEnd(scale, '0')}`;
  const value = digits === '' ? 0n : BigInt(digits);
  return parts.negative ? -value : value;
}

/** Formats a scaled bigint as a plain decimal with trailing fraction zeros removed (`1234.5`, `0`). */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  let end = fraction.length;
  while (end > 0 && fraction[end - 1] === '0') end--;
  fraction = fraction.slice(0, end);
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
