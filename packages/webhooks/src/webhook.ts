/** The webhooks domain types: endpoints, deliveries and their attempts. Ids are UUIDs inside. */
export type EndpointStatus = 'active' | 'disabled';
export type DeliveryStatus = 'pending' | 'succeeded' | 'dead';

export const ENDPOINT_PREFIX = 'whe';
export const DELIVERY_PREFIX = 'whd';
export const ATTEMPT_PREFIX = 'wha';
export const EVENT_PREFIX = 'evt';

export interface Endpoint {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly eventTypes: readonly string[];
  readonly status: EndpointStatus;
  /** Until when deliveries are also signed with the secret replaced by the last rotation. */
  readonly previousSecretExpiresAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Delivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  /** Every attempt ever made. */
  readonly attempts: number;
  /** Attempts since creation or the last redelivery; `attemptsMax` of them failing makes it dead. */
  readonly cycleAttempts: number;
  readonly redeliveries: number;
  readonly nextAttemptAt: Date;
  /** A worker holds the delivery (an attempt is in flight) until this instant. */
  readonly claimedUntil: Date | null;
  readonly lastAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
  readonly deadAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Attempt {
  readonly id: string;
  readonly deliveryId: string;
  readonly number: number;
  readonly startedAt: Date;
  readonly latencyMs: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly statusCode: number | null;
  readonly error: string | null;
  /** The first 2 KiB of the response body. */
  readonly responseBody: string;
}

/** What the receiver gets as the request body: the event, with its type and time. */
export interface WebhookBody {
  readonly id: string;
  readonly type: string;
  readonly createdAt: string;
  readonly key: string;
  readonly data: unknown;
}
