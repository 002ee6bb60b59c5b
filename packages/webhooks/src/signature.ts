import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Clock, err, ok, type Result, systemClock } from '@zhirong/kernel';

/**
 * Webhook signatures, in the scheme Stripe and Standard Webhooks use: HMAC-SHA256 over
 * `${timestamp}.${body}` with the endpoint's signing secret, sent as
 * `Zhirong-Signature: t=<unix seconds>,v1=<hex digest>[,v1=<hex digest>…]`. While a rotated secret
 * is still valid the header carries one `v1` per secret, so a receiver holding either verifies.
 * The timestamp is signed too, so a receiver can refuse replays older than its tolerance.
 */
export const SIGNATURE_HEADER = 'zhirong-signature';
export const EVENT_ID_HEADER = 'zhirong-event-id';
export const EVENT_TYPE_HEADER = 'zhirong-event-type';
export const DELIVERY_ID_HEADER = 'zhirong-delivery-id';
export const ATTEMPT_HEADER = 'zhirong-delivery-attempt';

/** Default replay window a receiver accepts: five minutes either side of its clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Secrets look like `whsec_<43 base64url characters>` (32 random bytes); the whole string is the HMAC key. */
export const SECRET_PREFIX = 'whsec_';

const HEADER_LENGTH_MAX = 4096;
const SIGNATURES_MAX = 8;

/** The hex HMAC-SHA256 of `${timestampSeconds}.${body}` under `secret`. */
export function signWebhookPayload(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampSeconds}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/** The `Zhirong-Signature` header value for a body, signed with each secret given (current first). */
export function signatureHeader(secrets: readonly string[], timestampSeconds: number, body: string): string {
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${signWebhookPayload(s, timestampSeconds, body)}`)].join(
    ',',
  );
}

export type SignatureFailure = 'signature_header_malformed' | 'timestamp_outside_tolerance' | 'signature_mismatch';

export interface VerifyOptions {
  /** The raw request body exactly as received (do not re-serialise parsed JSON). */
  readonly payload: string | Uint8Array;
  /** The `Zhirong-Signature` header value. */
  readonly header: string | undefined | null;
  /** The endpoint's signing secret; several while you roll a rotation over. */
  readonly secret: string | readonly string[];
  /** Largest accepted distance between the signed timestamp and now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** The receiver's clock (default the system clock). */
  readonly clock?: Clock;
}

/**
 * Checks a delivery on the receiving side: the header parses, the timestamp lies within the replay
 * window, and one of the `v1` signatures matches one of the secrets (compared in constant time).
 *
 * @example
 * const verified = verifyWebhookSignature({ payload: rawBody, header: req.headers['zhirong-signature'], secret });
 * if (!verified.ok) return res.writeHead(400).end(verified.code);
 */
export function verifyWebhookSignature(options: VerifyOptions): Result<{ timestampSeconds: number }, SignatureFailure> {
  const header = options.header;
  if (typeof header !== 'string' || header.length === 0 || header.length > HEADER_LENGTH_MAX) {
    return err('signature_header_malformed');
  }
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return err('signature_header_malformed');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return err('signature_header_malformed');
      timestamp = Number(value);
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value) || signatures.length >= SIGNATURES_MAX) {
        return err('signature_header_malformed');
      }
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, future v2) are ignored, as Stripe's receivers do.
  }
  if (timestamp === undefined || signatures.length === 0) return err('signature_header_malformed');
  const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.clock ?? systemClock).nowMs() / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return err('timestamp_outside_tolerance');
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhookPayload(secret, timestamp, options.payload), 'hex');
    for (const candidate of signatures) {
      if (timingSafeEqual(expected, candidate)) return ok({ timestampSeconds: timestamp });
    }
  }
  return err('signature_mismatch');
}
