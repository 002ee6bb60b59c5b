import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { HttpErrorCode } from './errors.ts';

/**
 * Request validation. Bodies are JSON and must already have the declared types: `{"amount": 5}`
 * where a string is required is rejected, never coerced. Query strings, path parameters and headers
 * arrive as text, so those are coerced (`?limit=10` → 10). Unknown body fields are rejected:
 * an object in a body schema that does not say `additionalProperties` gets `false`.
 */
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (ajvFormats as unknown as { default?: FormatsPlugin }).default ?? (ajvFormats as unknown as FormatsPlugin);

function createAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    addUsedSchema: false,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    // Documentation-only keywords that route schemas may carry for OpenAPI.
    keywords: ['example'],
  });
  addFormats(ajv);
  return ajv;
}

interface RouteSchemaDefinition {
  readonly schema: AnySchema;
  readonly httpPart?: string;
}

/** Fastify `schemaController.compilersFactory.buildValidator`: one Ajv for bodies, one for the rest. */
export function buildValidator(externalSchemas: Record<string, unknown> = {}) {
  const forBody = createAjv(false);
  const forText = createAjv('array');
  for (const schema of Object.values(externalSchemas)) {
    forBody.addSchema(schema as AnySchema);
    forText.addSchema(schema as AnySchema);
  }
  return ({ schema, httpPart }: RouteSchemaDefinition): ValidateFunction => {
    const ajv = httpPart === 'body' ? forBody : forText;
    const id = typeof schema === 'object' && schema !== null ? (schema as { $id?: unknown }).$id : undefined;
    if (typeof id === 'string') {
      const stored = ajv.getSchema(id);
      if (stored) return stored as ValidateFunction;
    }
    return ajv.compile(schema);
  };
}

type JsonSchemaNode = Record<string, unknown>;

const isNode = (value: unknown): value is JsonSchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Returns a copy of a body schema in which every object that does not decide for itself rejects
 * unknown properties. Members of `allOf` stay open (closing each would reject the others' fields);
 * their own nested objects are still closed.
 */
export function closeObjects(schema: unknown, insideAllOf = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => closeObjects(s, insideAllOf));
  if (!isNode(schema)) return schema;
  const out: JsonSchemaNode = { ...schema };
  if (isNode(schema.properties)) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, closeObjects(v)]));
  }
  for (const key of ['items', 'additionalItems', 'contains', 'not', 'if', 'then', 'else'] as const) {
    if (key in schema) out[key] = closeObjects(schema[key]);
  }
  for (const key of ['prefixItems', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) out[key] = (schema[key] as unknown[]).map((s) => closeObjects(s));
  }
  if (Array.isArray(schema.allOf)) out.allOf = schema.allOf.map((s) => closeObjects(s, true));
  const isObject = schema.type === 'object' || isNode(schema.properties);
  const decided =
    'additionalProperties' in schema || 'patternProperties' in schema || 'unevaluatedProperties' in schema;
  if (isObject && !decided && !insideAllOf) out.additionalProperties = false;
  return out;
}

export interface FieldError {
  /** JSON Pointer (RFC 6901) into the request part, e.g. `/amount` or `/items/0/currency`. */
  readonly pointer: string;
  /** body | querystring | params | headers */
  readonly location: string;
  readonly code: HttpErrorCode;
  readonly message: string;
}

const escapePointerToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/** Maps one Ajv error to a stable code and the pointer of the field at fault. */
export function fieldError(error: ErrorObject, location: string): FieldError {
  const base = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const message = error.message ?? 'is not valid';
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        pointer: `${base}/${escapePointerToken(String(params.additionalProperty))}`,
        location,
        code: 'field_unknown',
        message: 'is not an accepted field',
      };
    case 'required':
      return {
        pointer: `${base}/${escapePointerToken(String(params.missingProperty))}`,
        location,
        code: 'field_required',
        message: 'is required',
      };
    case 'type':
      return { pointer: base, location, code: 'field_type_invalid', message };
    default:
      return { pointer: base, location, code: 'field_invalid', message };
  }
}
