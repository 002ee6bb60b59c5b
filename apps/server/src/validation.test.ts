// Proves the validation rules without a server: bodies are never coerced and reject unknown fields by default, text parts are coerced, and each Ajv failure maps to one code and JSON pointer.

import { SeededRng } from '@zhirong/kernel/testing';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { serializeJson } from './json.ts';
import { PooledRng, REQUEST_ID_PATTERN } from './request-id.ts';
import { securityHeaders } from './security-headers.ts';
import { buildValidator, closeObjects, fieldError } from './validation.ts';

const compile = buildValidator();

describe('validators', () => {
  const schema = Type.Object({ amount: Type.String(), count: Type.Optional(Type.Integer()) });

  it('never coerces a body: a number is not a string and a string is not an integer', () => {
    const validate = compile({ schema: closeObjects(schema) as object, httpPart: 'body' });
    expect(validate({ amount: 5 })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'type', instancePath: '/amount' });
    expect(validate({ amount: '5', count: '1' })).toBe(false);
    const body = { amount: '5', count: 1 };
    expect(validate(body)).toBe(true);
    expect(body).toEqual({ amount: '5', count: 1 });
  });

  it('coerces query strings and path parameters', () => {
    const validate = compile({ schema: Type.Object({ limit: Type.Integer() }), httpPart: 'querystring' });
    const query = { limit: '10' };
    expect(validate(query)).toBe(true);
    expect(query.limit).toBe(10);
    expect(validate({ limit: 'ten' })).toBe(false);
  });

  it('checks formats (ajv-formats)', () => {
    const validate = compile({ schema: Type.Object({ at: Type.String({ format: 'date-time' }) }), httpPart: 'body' });
    expect(validate({ at: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(validate({ at: '2026-01-01' })).toBe(false);
  });
});

describe('closeObjects', () => {
  it('closes every object that does not decide, at any depth, without touching the original', () => {
    const original = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } } },
        list: { type: 'array', items: { type: 'object', properties: { c: { type: 'string' } } } },
        open: { type: 'object', additionalProperties: true },
        map: { type: 'object', patternProperties: { '^x': { type: 'string' } } },
        either: { anyOf: [{ type: 'object', properties: { d: { type: 'string' } } }, { type: 'null' }] },
      },
    };
    const copy = JSON.stringify(original);
    const closed = closeObjects(original) as typeof original & Record<string, unknown>;
    expect(JSON.stringify(original)).toBe(copy);
    expect(closed.additionalProperties).toBe(false);
    expect((closed.properties.a as Record<string, unknown>).additionalProperties).toBe(false);
    expect((closed.properties.list.items as Record<string, unknown>).additionalProperties).toBe(false);
    expect(closed.properties.open.additionalProperties).toBe(true);
    expect('additionalProperties' in closed.properties.map).toBe(false);
    expect((closed.properties.either.anyOf[0] as Record<string, unknown>).additionalProperties).toBe(false);
  });

  it('leaves allOf members open (closing them would reject each other’s fields) but closes their children', () => {
    const closed = closeObjects({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } } },
        { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'string' } } } } },
      ],
    }) as { allOf: Record<string, Record<string, Record<string, unknown>>>[] };
    expect('additionalProperties' in (closed.allOf[0] ?? {})).toBe(false);
    expect(closed.allOf[1]?.properties?.b?.additionalProperties).toBe(false);
  });
});

describe('fieldError', () => {
  it('points at the offending field for each kind of failure', () => {
    const schema = closeObjects(
      Type.Object({ amount: Type.String({ minLength: 1 }), nested: Type.Object({ 'a/b': Type.Integer() }) }),
    ) as object;
    const validate = compile({ schema, httpPart: 'body' });
    const first = (value: unknown) => {
      validate(value);
      const error = validate.errors?.[0];
      if (!error) throw new Error('expected a validation error');
      return fieldError(error, 'body');
    };
    expect(first({ nested: { 'a/b': 1 } })).toMatchObject({ code: 'field_required', pointer: '/amount' });
    expect(first({ amount: 'x', nested: { 'a/b': 1 }, more: 1 })).toMatchObject({
      code: 'field_unknown',
      pointer: '/more',
    });
    expect(first({ amount: 'x', nested: { 'a/b': 'one' } })).toMatchObject({
      code: 'field_type_invalid',
      pointer: '/nested/a~1b',
    });
    expect(first({ amount: '', nested: { 'a/b': 1 } })).toMatchObject({ code: 'field_invalid', pointer: '/amount' });
  });
});

describe('small pieces', () => {
  it('serialises bigint as decimal strings and leaves everything else to JSON.stringify', () => {
    expect(serializeJson({ a: 1, b: 'x' })).toBe('{"a":1,"b":"x"}');
    expect(serializeJson({ amountMinor: 2n ** 64n, list: [1n, null] })).toBe(
      '{"amountMinor":"18446744073709551616","list":["1",null]}',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeJson(cyclic)).toThrow(TypeError);
  });

  it('hands out pooled random bytes that still differ call to call', () => {
    const rng = new PooledRng(new SeededRng(1), 64);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(Buffer.from(rng.bytes(16)).toString('hex'));
    expect(seen.size).toBe(100);
    expect(rng.bytes(100)).toHaveLength(100);
  });

  it('accepts plain request ids only', () => {
    for (const good of ['a', 'req_01jd8x3r5m0e9bq2c7k4n6v1wz', 'A.b-c:d_e', 'x'.repeat(128)])
      expect(REQUEST_ID_PATTERN.test(good), good).toBe(true);
    for (const bad of ['', '-lead', 'x'.repeat(129), 'a b', 'a\nb', 'é'])
      expect(REQUEST_ID_PATTERN.test(bad), bad).toBe(false);
  });

  it('computes the helmet headers once, including a CSP that lets /docs load its own scripts', () => {
    const headers = securityHeaders();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(headers['x-powered-by']).toBeUndefined();
  });
});
