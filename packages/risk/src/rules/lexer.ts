import { type Bilingual, diagnostic, type RuleDiagnostic, type SourceSpan } from './errors.ts';

/**
 * Token types. Operators and keywords are their own type, normalised: `&&` is `and`, `||` is `or`,
 * `!` is `not`; keywords are matched case-insensitively (`AND` is `and`).
 */
export type TokenType =
  | 'number'
  | 'string'
  | 'identifier'
  | 'listRef'
  | 'eof'
  /** Text the lexer could not read; its error is already reported. */
  | 'invalid'
  | 'and'
  | 'or'
  | 'not'
  | 'in'
  | 'true'
  | 'false'
  | 'null'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '('
  | ')'
  | '['
  | ']'
  | ',';

export interface Token {
  readonly type: TokenType;
  /** The source text of the token, as written. */
  readonly text: string;
  /** Decoded value of a number or string literal; the name of an identifier or `@list`. */
  readonly value: string | number;
  readonly span: SourceSpan;
}

const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);
export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name.toLowerCase());
}

const TWO_CHAR: Readonly<Record<string, TokenType>> = {
  '==': '==',
  '!=': '!=',
  '<=': '<=',
  '>=': '>=',
  '&&': 'and',
  '||': 'or',
};
const ONE_CHAR: Readonly<Record<string, TokenType>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '<': '<',
  '>': '>',
  '!': 'not',
  '(': '(',
  ')': ')',
  '[': '[',
  ']': ']',
  ',': ',',
};

/** Identifiers: a letter or `_`, then letters, digits, `_`, and `.` between parts (`customer.count_1h`). */
function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/**
 * Splits source text into tokens. Never throws: a bad character, an unterminated string or a bad
 * escape becomes a `rule_syntax` diagnostic and lexing continues, so every such error is reported.
 * Whitespace (spaces, tabs, newlines) separates tokens; `//` starts a comment to the end of the line.
 */
export function tokenize(source: string): { tokens: Token[]; errors: RuleDiagnostic[] } {
  const tokens: Token[] = [];
  const errors: RuleDiagnostic[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const spanAt = (start: number, length: number, startLine = line, startLineStart = lineStart): SourceSpan => ({
    offset: start,
    line: startLine,
    column: start - startLineStart + 1,
    length,
  });
  const fail = (span: SourceSpan, detail: Bilingual) => errors.push(diagnostic('rule_syntax', span, { detail }));

  while (offset < source.length) {
    const c = source[offset] as string;
    if (c === '\n') {
      offset++;
      line++;
      lineStart = offset;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      offset++;
      continue;
    }
    if (c === '/' && source[offset + 1] === '/') {
      while (offset < source.length && source[offset] !== '\n') offset++;
      continue;
    }
    const start = offset;
    if (isDigit(c)) {
      offset = scanNumber(source, offset);
      const text = source.slice(start, offset);
      const value = Number(text.replaceAll('_', ''));
      const span = spanAt(start, offset - start);
      if (!Number.isFinite(value) || text.endsWith('_') || text.includes('__') || /_[.eE]|[.eE]_/.test(text)) {
        fail(span, { en: `${text} is not a valid number`, zh: `${text} 不是有效的数字` });
      }
      tokens.push({ type: 'number', text, value: Number.isFinite(value) ? value : 0, span });
      continue;
    }
    if (isIdentStart(c) || c === '@') {
      if (c === '@') offset++;
      const nameStart = offset;
      while (offset < source.length) {
        const d = source[offset] as string;
        if (isIdentPart(d)) offset++;
        else if (d === '.' && isIdentStart(source[offset + 1] ?? '')) offset++;
        else break;
      }
      const text = source.slice(start, offset);
      const name = source.slice(nameStart, offset);
      const span = spanAt(start, offset - start);
      if (c === '@') {
        if (name === '') {
          fail(span, { en: '@ must be followed by a list name', zh: '@ 后面必须是名单名称' });
          tokens.push({ type: 'invalid', text, value: '', span });
        } else {
          tokens.push({ type: 'listRef', text, value: name, span });
        }
      } else if (isKeyword(name)) {
        tokens.push({ type: name.toLowerCase() as TokenType, text, value: name, span });
      } else {
        tokens.push({ type: 'identifier', text, value: name, span });
      }
      continue;
    }
    if (c === "'" || c === '"') {
      const startLine = line;
      const startLineStart = lineStart;
      offset++;
      let value = '';
      let closed = false;
      while (offset < source.length) {
        const d = source[offset] as string;
        if (d === c) {
          offset++;
          closed = true;
          break;
        }
        if (d === '\n') break;
        if (d === '\\') {
          const escapeStart = offset;
          const e = source[offset + 1] ?? '';
          const simple = ESCAPES[e];
          if (simple !== undefined) {
            value += simple;
            offset += 2;
            continue;
          }
          if (e === 'u') {
            const hex = /^u([0-9A-Fa-f]{4})/.exec(source.slice(offset + 1, offset + 6));
            if (hex?.[1] !== undefined) {
              value += String.fromCharCode(Number.parseInt(hex[1], 16));
              offset += 6;
              continue;
            }
          }
          fail(spanAt(escapeStart, Math.min(2, source.length - escapeStart), startLine, startLineStart), {
            en: `unknown escape \\${e}; use \\n \\t \\r \\0 \\\\ \\' \\" or \\uXXXX`,
            zh: `未知的转义 \\${e}；可用 \\n \\t \\r \\0 \\\\ \\' \\" 或 \\uXXXX`,
          });
          offset += e === '' || e === '\n' ? 1 : 2;
          continue;
        }
        value += d;
        offset++;
      }
      const span = spanAt(start, offset - start, startLine, startLineStart);
      if (!closed) {
        fail(span, { en: 'the string is not closed on this line', zh: '字符串在本行内没有结束引号' });
      }
      tokens.push({ type: 'string', text: source.slice(start, offset), value, span });
      continue;
    }
    const two = TWO_CHAR[source.slice(offset, offset + 2)];
    if (two !== undefined) {
      offset += 2;
      tokens.push({ type: two, text: source.slice(start, offset), value: '', span: spanAt(start, 2) });
      continue;
    }
    const one = ONE_CHAR[c];
    if (one !== undefined) {
      offset++;
      tokens.push({ type: one, text: c, value: '', span: spanAt(start, 1) });
      continue;
    }
    // Report a run of unknown characters once; a lone `=` gets a hint, since it is the usual slip.
    const code = source.codePointAt(offset) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    offset += width;
    const span = spanAt(start, width);
    if (c === '=') {
      fail(span, { en: 'use == to compare; = alone is not an operator', zh: '比较请使用 ==；单独的 = 不是运算符' });
      tokens.push({ type: '==', text: c, value: '', span });
    } else if (c === '&' || c === '|') {
      fail(span, {
        en: `use ${c}${c} or ${c === '&' ? 'and' : 'or'}`,
        zh: `请使用 ${c}${c} 或 ${c === '&' ? 'and' : 'or'}`,
      });
      tokens.push({ type: c === '&' ? 'and' : 'or', text: c, value: '', span });
    } else {
      const shown = String.fromCodePoint(code);
      const ascii = asciiFor(shown);
      fail(span, {
        en: `unexpected character ${JSON.stringify(shown)}${ascii ? `; did you mean ${JSON.stringify(ascii)}?` : ''}`,
        zh: `无法识别的字符 ${JSON.stringify(shown)}${ascii ? `；是否想写半角的 ${JSON.stringify(ascii)}？` : ''}`,
      });
      tokens.push({ type: 'invalid', text: shown, value: '', span });
    }
  }
  tokens.push({ type: 'eof', text: '', value: '', span: spanAt(offset, 0) });
  return { tokens, errors };
}

/** Full-width and typographic characters that an IME or a word processor puts in place of ASCII. */
const ASCII_LOOKALIKES: Readonly<Record<string, string>> = {
  '（': '(',
  '）': ')',
  '【': '[',
  '】': ']',
  '［': '[',
  '］': ']',
  '，': ',',
  '＝': '==',
  '＞': '>',
  '＜': '<',
  '！': '!',
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '＋': '+',
  '－': '-',
  '＊': '*',
  '／': '/',
  '％': '%',
  '＠': '@',
};

function asciiFor(c: string): string | undefined {
  const code = c.charCodeAt(0);
  if (code >= 0xff10 && code <= 0xff19) return String(code - 0xff10); // full-width digits
  return ASCII_LOOKALIKES[c];
}

/** Digits with `_` separators, an optional fraction and an optional exponent. */
function scanNumber(source: string, start: number): number {
  let offset = start;
  const digits = () => {
    while (offset < source.length && (isDigit(source[offset] as string) || source[offset] === '_')) offset++;
  };
  digits();
  if (source[offset] === '.' && isDigit(source[offset + 1] ?? '')) {
    offset++;
    digits();
  }
  if (source[offset] === 'e' || source[offset] === 'E') {
    const sign = source[offset + 1] === '+' || source[offset + 1] === '-' ? 1 : 0;
    if (isDigit(source[offset + 1 + sign] ?? '')) {
      offset += 1 + sign;
      digits();
    }
  }
  return offset;
}
