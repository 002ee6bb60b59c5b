/**
 * The reply serializer for routes without a response schema. Plain JSON.stringify first (the fast
 * path); only when that throws, for instance on a bigint, again with a replacer that writes bigint
 * as a decimal string. Routes with a response schema use fast-json-stringify, which already writes
 * bigint.
 */
export function serializeJson(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(payload, bigintReplacer);
  }
}

export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
