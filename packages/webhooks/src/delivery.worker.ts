import type { Logger } from '@zhirong/platform';
import type { WebhooksService } from './webhooks.service.ts';

/**
 * The background loop of `module.start()`: a pass every `pollMs` (retries fall due as time passes),
 * and one soon after new deliveries are queued. Passes never overlap within a process; across
 * processes, `for update skip locked` shares the work. A full batch is followed at once by another,
 * up to `passesMax` in a row, so a backlog drains without waiting for the poll.
 */
export interface DeliveryWorkerOptions {
  readonly pollMs: number;
  readonly logger: Logger;
  readonly passesMax?: number;
  /** How often expired Idempotency-Keys are deleted. */
  readonly sweepEveryMs?: number;
}

export const DELIVERY_POLL_MS = 1000;

export class DeliveryWorker {
  readonly #service: WebhooksService;
  readonly #options: DeliveryWorkerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #lastSweepTick = 0;
  #ticks = 0;

  constructor(service: WebhooksService, options: DeliveryWorkerOptions) {
    this.#service = service;
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Asks for a pass soon. */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delayMs);
    this.#timer.unref?.();
  }

  #tick(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#pass()
      .catch((error: unknown) => this.#options.logger.error({ err: error }, 'webhook delivery pass failed'))
      .finally(() => {
        this.#running = undefined;
        const again = this.#again;
        this.#again = false;
        this.#schedule(again ? 0 : this.#options.pollMs);
      });
  }

  async #pass(): Promise<void> {
    const passesMax = this.#options.passesMax ?? 10;
    for (let i = 0; i < passesMax && !this.#stopped; i++) {
      const report = await this.#service.deliverDue();
      if (report.claimed < this.#service.batchMax) break;
    }
    this.#ticks += 1;
    const sweepEveryTicks = Math.max(1, Math.round((this.#options.sweepEveryMs ?? 600_000) / this.#options.pollMs));
    if (this.#ticks - this.#lastSweepTick >= sweepEveryTicks) {
      this.#lastSweepTick = this.#ticks;
      await this.#service.sweepIdempotencyKeys();
    }
  }
}
