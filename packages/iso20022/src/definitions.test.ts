// Proves every supported message definition is complete (each element names a type the registry or the simple types define) and that namespaces map to exactly the supported message types.
import { describe, expect, it } from 'vitest';
import { definitionOf, messageTypeOf, NAMESPACE_PREFIX, SUPPORTED_TYPES } from './definitions.ts';
import { unresolvedTypes } from './schema.ts';

describe('message definitions', () => {
  it.each(SUPPORTED_TYPES)('%s names only defined types', (type) => {
    const { registry, root } = definitionOf(type);
    expect(unresolvedTypes(registry)).toEqual([]);
    expect(registry.Document).toBeDefined();
    expect(root.length).toBeGreaterThan(0);
  });

  it('recognises supported namespaces only', () => {
    for (const type of SUPPORTED_TYPES) expect(messageTypeOf(`${NAMESPACE_PREFIX}${type}`)).toBe(type);
    expect(messageTypeOf(`${NAMESPACE_PREFIX}pain.001.001.12`)).toBeUndefined();
    expect(messageTypeOf(`${NAMESPACE_PREFIX}camt.052.001.08`)).toBeUndefined();
    expect(messageTypeOf('pacs.008.001.08')).toBeUndefined();
    expect(messageTypeOf('')).toBeUndefined();
  });
});
