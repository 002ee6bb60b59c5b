// Proves the append path's fast canonical JSON and envelope encoding produce exactly the kernel's and the standalone verifier's bytes, for any JSON value (with bigints, dates, undefined members and unicode keys).
import { canonicalJson } from '@zhirong/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJsonFast, envelopeJson } from './canonical.ts';
import { canonicalJson as verifierCanonicalJson } from './verifier/verifier.ts';

describe('canonical JSON (property)', () => {
  it('equals the kernel and the verifier encodings', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.bigInt(),
        fc.constant(undefined),
        fc.date({ noInvalidDate: true }),
      ),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('node'), { maxKeys: 6 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
        expect(verifierCanonicalJson(v)).toBe(canonicalJson(v));
      }),
      { numRuns: 300 },
    );
  });

  it('builds the envelope the verifier builds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (type, id, sha) => {
          expect(envelopeJson(type, id, sha)).toBe(
            verifierCanonicalJson({ recordType: type, recordId: id, sha256: sha }),
          );
        },
      ),
    );
  });
});
