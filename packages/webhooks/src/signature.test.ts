// Proves webhook signatures: a signed body verifies with its secret (and with either secret during a rotation), while a tampered body, a wrong secret, a timestamp outside the replay window and malformed headers are each refused with their own reason.
import { createHmac } from 'node:crypto';
import { ManualClock } from '@zhirong/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureHeader, signWebhookPayload, verifyWebhookSignature } from './signature.ts';

const SECRET = 'whsec_test_secret_0123456789';
const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const body = '{"id":"evt_01","type":"ledger.transfers.created","data":{"count":1}}';

describe('signWebhookPayload', () => {
  it('is HMAC-SHA256 over "timestamp.body" keyed with the whole secret string', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW_S}.${body}`).digest('hex');
    expect(signWebhookPayload(SECRET, NOW_S, body)).toBe(expected);
    // A fixed vector, so a change of scheme cannot pass unnoticed.
    expect(signWebhookPayload('whsec_k', 1767225600, '{}')).toBe(
      createHmac('sha256', 'whsec_k').update('1767225600.{}').digest('hex'),
    );
    expect(signatureHeader([SECRET], NOW_S, body)).toBe(`t=${NOW_S},v1=${expected}`);
  });
});

describe('verifyWebhookSignature', () => {
  const clock = new ManualClock(NOW_MS);
  const header = signatureHeader([SECRET], NOW_S, body);

  it('accepts an untouched body signed with the secret, as text or bytes', () => {
    expect(verifyWebhookSignature({ payload: body, header, secret: SECRET, clock })).toEqual({
      ok: true,
      value: { timestampSeconds: NOW_S },
    });
    expect(verifyWebhookSignature({ payload: Buffer.from(body), header, secret: SECRET, clock }).ok).toBe(true);
  });

  it('refuses a tampered body and a wrong secret', () => {
    const tampered = body.replace('"count":1', '"count":2');
    expect(verifyWebhookSignature({ payload: tampered, header, secret: SECRET, clock })).toMatchObject({
      ok: false,
      code: 'signature_mismatch',
    });
    expect(verifyWebhookSignature({ payload: `${body} `, header, secret: SECRET, clock }).ok).toBe(false);
    expect(verifyWebhookSignature({ payload: body, header, secret: 'whsec_other', clock })).toMatchObject({
      code: 'signature_mismatch',
    });
  });

  it('refuses a signature whose timestamp is outside the tolerance, in the past or the future', () => {
    const late = new ManualClock(NOW_MS + 301_000);
    expect(verifyWebhookSignature({ payload: body, header, secret: SECRET, clock: late })).toMatchObject({
      code: 'timestamp_outside_tolerance',
    });
    const early = new ManualClock(NOW_MS - 301_000);
    expect(verifyWebhookSignature({ payload: body, header, secret: SECRET, clock: early }).ok).toBe(false);
    const edge = new ManualClock(NOW_MS + 300_000);
    expect(verifyWebhookSignature({ payload: body, header, secret: SECRET, clock: edge }).ok).toBe(true);
    expect(
      verifyWebhookSignature({ payload: body, header, secret: SECRET, clock: late, toleranceSeconds: 600 }).ok,
    ).toBe(true);
  });

  it('refuses a re-signed old timestamp: the timestamp is part of what is signed', () => {
    const moved = header.replace(`t=${NOW_S}`, `t=${NOW_S + 1}`);
    expect(verifyWebhookSignature({ payload: body, header: moved, secret: SECRET, clock })).toMatchObject({
      code: 'signature_mismatch',
    });
  });

  it('accepts either secret while a rotation overlaps, and any listed secret on the receiver side', () => {
    const both = signatureHeader(['whsec_new', 'whsec_old'], NOW_S, body);
    expect(verifyWebhookSignature({ payload: body, header: both, secret: 'whsec_old', clock }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: body, header: both, secret: 'whsec_new', clock }).ok).toBe(true);
    const onlyNew = signatureHeader(['whsec_new'], NOW_S, body);
    expect(
      verifyWebhookSignature({ payload: body, header: onlyNew, secret: ['whsec_old', 'whsec_new'], clock }).ok,
    ).toBe(true);
  });

  it.each([
    [undefined],
    [''],
    ['v1=abc'],
    [`t=${NOW_S}`],
    [`t=soon,v1=${'a'.repeat(64)}`],
    [`t=${NOW_S},v1=${'a'.repeat(63)}`],
    [`t=${NOW_S},t=${NOW_S},v1=${'a'.repeat(64)}`],
    [`t=${NOW_S},garbage`],
    [`t=${NOW_S},${Array.from({ length: 9 }, () => `v1=${'a'.repeat(64)}`).join(',')}`],
    ['x'.repeat(5000)],
  ])('refuses the malformed header %s', (bad) => {
    expect(verifyWebhookSignature({ payload: body, header: bad, secret: SECRET, clock })).toMatchObject({
      ok: false,
      code: 'signature_header_malformed',
    });
  });

  it('never accepts a body that differs from the signed one (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (signed, received) => {
        fc.pre(signed !== received);
        const h = signatureHeader([SECRET], NOW_S, signed);
        return !verifyWebhookSignature({ payload: received, header: h, secret: SECRET, clock }).ok;
      }),
      { numRuns: 300 },
    );
  });
});
