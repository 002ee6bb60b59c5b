/**
 * The in-process event bus: the default transport the outbox relay publishes to. Delivery is
 * at-least-once (the relay may publish again after a crash), so handlers must be idempotent by
 * event id. A handler's failure is reported, never allowed to stop other handlers.
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

export interface EventBus {
  /** `pattern` is a topic, or a prefix ending in `.*` or `>` (`ledger.>` matches every ledger event). */
  subscribe(pattern: string, handler: EventHandler): () => void;
  publish(events: readonly DomainEvent[]): Promise<void>;
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

export class InProcessEventBus implements EventBus {
  readonly #subscriptions = new Set<{ pattern: string; handler: EventHandler }>();
  readonly #onError: (error: unknown, event: DomainEvent) => void;

  constructor(onError: (error: unknown, event: DomainEvent) => void = () => {}) {
    this.#onError = onError;
  }

  subscribe(pattern: string, handler: EventHandler): () => void {
    const subscription = { pattern, handler };
    this.#subscriptions.add(subscription);
    return () => this.#subscriptions.delete(subscription);
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const { pattern, handler } of this.#subscriptions) {
        if (!topicMatches(pattern, event.topic)) continue;
        try {
          await handler(event);
        } catch (error) {
          this.#onError(error, event);
        }
      }
    }
  }
}
