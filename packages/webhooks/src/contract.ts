/**
 * The webhooks package's public contract: what receivers, apps and the CLI may use.
 *
 * @example
 * // In a receiver (Node, Express-style raw body):
 * const verified = verifyWebhookSignature({
 *   payload: rawBody,
 *   header: req.headers['zhirong-signature'],
 *   secret: process.env.ZHIRONG_WEBHOOK_SECRET,
 * });
 * if (!verified.ok) return res.status(400).send(verified.code); // e.g. 'timestamp_outside_tolerance'
 */

export { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff.ts';
export { type WebhooksErrorCode, webhooksErrors } from './errors.ts';
export { isEventTypePattern } from './event-types.ts';
export {
  ATTEMPT_HEADER,
  DELIVERY_ID_HEADER,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SECRET_PREFIX,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  type SignatureFailure,
  signatureHeader,
  signWebhookPayload,
  type VerifyOptions,
  verifyWebhookSignature,
} from './signature.ts';
export { type HostResolver, UrlPolicy, type UrlPolicyOptions } from './url-policy.ts';
export {
  ATTEMPT_PREFIX,
  type Attempt,
  DELIVERY_PREFIX,
  type Delivery,
  type DeliveryStatus,
  ENDPOINT_PREFIX,
  type Endpoint,
  type EndpointStatus,
  EVENT_PREFIX,
  type WebhookBody,
} from './webhook.ts';
export { attemptJson, deliveryJson, endpointJson } from './webhooks.dto.ts';
export type { DeliveryRunReport, EndpointChange, EndpointInput, Outcome } from './webhooks.service.ts';
