// Proves that results carry a value or one error code (with detail only when given), that unwrap fails loudly on an error, and that assertions throw AssertionError.
import { describe, expect, it } from 'vitest';
import { AssertionError, assert, assertNever } from './assert.ts';
import { err, ok, type Result, unwrap } from './result.ts';

describe('Result', () => {
  it('builds ok and err values', () => {
    expect(ok(1)).toEqual({ ok: true, value: 1 });
    expect(err('amount_zero')).toEqual({ ok: false, code: 'amount_zero' });
    expect('detail' in err('amount_zero')).toBe(false);
    expect(err('limit_exceeded', { limit: 5 })).toEqual({ ok: false, code: 'limit_exceeded', detail: { limit: 5 } });
  });

  it('narrows on ok', () => {
    const result: Result<number, 'amount_zero'> = Math.abs(-1) > 0 ? ok(5) : err('amount_zero');
    if (result.ok) expect(result.value + 1).toBe(6);
    else expect.unreachable();
  });

  it('unwraps values and throws on error codes', () => {
    expect(unwrap(ok('x'))).toBe('x');
    expect(() => unwrap(err('amount_zero'))).toThrow(/amount_zero/);
  });
});

describe('assert', () => {
  it('passes on truthy conditions and throws AssertionError otherwise', () => {
    expect(() => assert(1, 'never')).not.toThrow();
    expect(() => assert(0, 'zero is falsy')).toThrow(AssertionError);
    expect(() => assert(undefined, 'with message')).toThrow('with message');
    try {
      assert(false, 'named');
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('AssertionError');
    }
  });

  it('assertNever reports the unexpected value', () => {
    expect(() => assertNever('x' as never)).toThrow('unexpected value: x');
    expect(() => assertNever(3 as never, 'bad kind')).toThrow('bad kind: 3');
  });
});
