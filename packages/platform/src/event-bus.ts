/**
 * The in-process event bus: the default transport the outbox relay publishes to. Delivery is
 * at-least-once (the relay may publish again after a crash, and retries a failed consumer), so
 * handlers must be idempotent by event id. A handler's failure is reported, never allowed to stop
 * other handlers; a handler subscribed under a durable consumer name has its failures returned to
 * the relay, which stores them and delivers the event to that consumer alone again later.
 */
export interface DomainEvent<P = unknown> {
  /** Unique id of the event (UUIDv7): consumers deduplicate on it. */
  readonly id: string;
  /** Dotted name, `<domain>.<thing>.<happened>`, e.g. `ledger.transfers.committed`. */
  readonly topic: string;
  /** Business key for ordering and partitioning (an account id, a payment id). */
  readonly key: string;
  readonly payload: P;
  readonly occurredAt: Date;
}

export type EventHandler = (event: DomainEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /**
   * A durable consumer name, unique in the process (`evidence.ledger-transfers`). When the
   * handler fails, the relay records the event for this consumer and delivers it again, to this
   * handler only, with backoff, until it succeeds or is dead-lettered. Without a name a failure is
   * only reported.
   */
  readonly consumer?: string;
}

/** A named consumer's handler failed on an event. */
export interface DeliveryFailure {
  readonly consumer: string;
  readonly event: DomainEvent;
  readonly error: unknown;
}

export interface EventBus {
  /** `pattern` is a topic, or a prefix ending in `.*` or `>` (`ledger.>` matches every ledger event). */
  subscribe(pattern: string, handler: EventHandler, options?: SubscribeOptions): () => void;
  /** Offers each event to every matching handler; returns the named consumers that failed. */
  publish(events: readonly DomainEvent[]): Promise<readonly DeliveryFailure[] | undefined>;
  /**
   * Delivers one event to the named consumer alone (a retry). Resolves `false` when no consumer
   * of that name is subscribed here; rejects with the handler's error.
   */
  deliver?(consumer: string, event: DomainEvent): Promise<boolean>;
}

export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === '>' || pattern === '*') return true;
  if (pattern.endsWith('.>')) return topic.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return topic.startsWith(prefix) && !topic.slice(prefix.length).includes('.');
  }
  return pattern === topic;
}

interface Subscription {
  readonly pattern: string;
  readonly handler: EventHandler;
  readonly consumer: string | undefined;
}

export class InProcessEventBus implements EventBus {
  readonly #subscriptions = new Set<Subscription>();
  readonly #consumers = new Map<string, Subscription>();
  readonly #onError: (error: unknown, event: DomainEvent) => void;

  constructor(onError: (error: unknown, event: DomainEvent) => void = () => {}) {
    this.#onError = onError;
  }

  subscribe(pattern: string, handler: EventHandler, options: SubscribeOptions = {}): () => void {
    const { consumer } = options;
    if (consumer !== undefined && this.#consumers.has(consumer)) {
      throw new Error(`event consumer ${consumer} is already subscribed`);
    }
    const subscription: Subscription = { pattern, handler, consumer };
    this.#subscriptions.add(subscription);
    if (consumer !== undefined) this.#consumers.set(consumer, subscription);
    return () => {
      this.#subscriptions.delete(subscription);
      if (consumer !== undefined && this.#consumers.get(consumer) === subscription) this.#consumers.delete(consumer);
    };
  }

  async publish(events: readonly DomainEvent[]): Promise<readonly DeliveryFailure[]> {
    const failures: DeliveryFailure[] = [];
    for (const event of events) {
      for (const { pattern, handler, consumer } of this.#subscriptions) {
        if (!topicMatches(pattern, event.topic)) continue;
        try {
          await handler(event);
        } catch (error) {
          this.#onError(error, event);
          if (consumer !== undefined) failures.push({ consumer, event, error });
        }
      }
    }
    return failures;
  }

  async deliver(consumer: string, event: DomainEvent): Promise<boolean> {
    const subscription = this.#consumers.get(consumer);
    if (!subscription) return false;
    await subscription.handler(event);
    return true;
  }
}
