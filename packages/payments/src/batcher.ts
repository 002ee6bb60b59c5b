import { assert } from '@zhirong/kernel';

/**
 * Coalesces items submitted concurrently into shared batches (as the ledger's TransferCoalescer
 * does for transfers): while `inFlightMax` batches are being processed, new items queue; when a
 * batch finishes, everything queued (up to `batchSizeMax`) goes in the next. Under light load an
 * item goes alone and waits for nothing; under load batches grow, and throughput with them.
 */
export class Batcher<I, O> {
  readonly #apply: (items: readonly I[]) => Promise<O[]>;
  readonly #inFlightMax: number;
  readonly #batchSizeMax: number;
  readonly #queueMax: number;
  #queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  #inFlight = 0;

  constructor(
    apply: (items: readonly I[]) => Promise<O[]>,
    options: { inFlightMax?: number; batchSizeMax?: number; queueMax?: number } = {},
  ) {
    this.#apply = apply;
    this.#inFlightMax = options.inFlightMax ?? 2;
    this.#batchSizeMax = options.batchSizeMax ?? 1000;
    this.#queueMax = options.queueMax ?? 100_000;
  }

  get queued(): number {
    return this.#queue.length;
  }

  submit(item: I): Promise<O> {
    if (this.#queue.length >= this.#queueMax) return Promise.reject(new Error('payment queue is full'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#inFlightMax && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#batchSizeMax);
      this.#inFlight += 1;
      this.#apply(batch.map((entry) => entry.item))
        .then(
          (results) => {
            assert(results.length === batch.length, 'one result per batched item');
            for (const [i, entry] of batch.entries()) entry.resolve(results[i] as O);
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }
}
