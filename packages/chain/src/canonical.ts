/**
 * Canonical JSON on the append path: the same bytes as the kernel's `canonicalJson` (a property
 * test holds them equal), written for speed — string building instead of intermediate arrays of
 * entries — because every appended record is encoded once and the log appends 50,000 a batch.
 */
export function canonicalJsonFast(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJsonFast(value[i]);
        return `${out}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJsonFast(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`cannot encode ${typeof value} as JSON`);
  }
}

/** The leaf envelope's canonical JSON, built directly (its three keys are already in order). */
export function envelopeJson(recordType: string, recordId: string, sha256Hex: string): string {
  return `{"recordId":${JSON.stringify(recordId)},"recordType":${JSON.stringify(recordType)},"sha256":"${sha256Hex}"}`;
}
