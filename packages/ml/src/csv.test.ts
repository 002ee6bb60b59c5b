// Proves the CSV parser follows RFC 4180 (quotes, escaped quotes, delimiters and line breaks inside quotes, CRLF, BOM) and names the line of every malformed row.
import { describe, expect, it } from 'vitest';
import { csvField, parseCsv } from './csv.ts';
import { MlError } from './errors.ts';

describe('parseCsv', () => {
  it('reads quoted fields, escaped quotes, embedded delimiters and line breaks, CRLF and a BOM', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"line\r\nbreak",\r\n\r\n3,plain,"" \n'.replace(' \n', '\n');
    const table = parseCsv(text);
    expect(table.header).toEqual(['a', 'b', 'c']);
    expect(table.rows).toEqual([
      ['1', 'x, y', 'say "hi"'],
      ['2', 'line\r\nbreak', ''],
      ['3', 'plain', ''],
    ]);
  });

  it('accepts LF and lone CR line ends, a missing final newline and empty trailing fields', () => {
    expect(parseCsv('a,b\n1,2\r3,\n4,5').rows).toEqual([
      ['1', '2'],
      ['3', ''],
      ['4', '5'],
    ]);
    expect(parseCsv('a,b\n1,').rows).toEqual([['1', '']]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(parseCsv('a\n5"x\n').rows).toEqual([['5"x']]);
  });

  it('names the line of a row with the wrong number of fields', () => {
    const error = (() => {
      try {
        parseCsv('a,b\n1,2\n"multi\nline",2\n1,2,3\n', { file: 'f.csv' });
      } catch (e) {
        return e as MlError;
      }
    })();
    expect(error).toBeInstanceOf(MlError);
    expect(error?.code).toBe('csv_malformed');
    expect(error?.message).toContain('line 5');
    expect(error?.message).toContain('f.csv');
  });

  it('rejects an unterminated quote, text after a closing quote, duplicate columns and an empty file', () => {
    const code = (text: string) => {
      try {
        parseCsv(text);
        return 'ok';
      } catch (e) {
        return (e as MlError).code;
      }
    };
    expect(code('a,b\n1,"open\n')).toBe('csv_malformed');
    expect(code('a,b\n1,"x"y\n')).toBe('csv_malformed');
    expect(code('a,a\n1,2\n')).toBe('csv_duplicate_column');
    expect(code('')).toBe('csv_empty');
    expect(code('\n\n')).toBe('csv_empty');
  });

  it('round-trips fields written with csvField', () => {
    const values = ['plain', 'with,comma', 'with "quote"', 'multi\nline', ''];
    const text = `${values.map((_, i) => `c${i}`).join(',')}\n${values.map(csvField).join(',')}\n`;
    expect(parseCsv(text).rows).toEqual([values]);
  });

  it('supports another delimiter', () => {
    expect(parseCsv('a;b\n1;"2;3"\n', { delimiter: ';' }).rows).toEqual([['1', '2;3']]);
  });
});
