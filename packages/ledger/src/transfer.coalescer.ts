import { assert, LIMITS } from '@zhirong/kernel';
import type { TransferRequest, TransferResult } from './transfer.ts';

/**
 * Coalesces single-transfer requests arriving concurrently into shared batches — one database
 * transaction for many API calls, as TigerBeetle batches. While `inFlightMax` batches are being
 * committed, new requests queue; the moment a batch finishes, everything queued (up to the batch
 * limit) goes in the next one. Under light load a request goes alone and waits for nothing;
 * under heavy load batches grow, and throughput with them.
 */
export class TransferCoalescer {
  readonly #apply: (requests: readonly TransferRequest[]) => Promise<TransferResult[]>;
  readonly #inFlightMax: number;
  readonly #queueMax: number;
  #queue: { request: TransferRequest; resolve: (r: TransferResult) => void; reject: (e: unknown) => void }[] = [];
  #inFlight = 0;

  constructor(
    apply: (requests: readonly TransferRequest[]) => Promise<TransferResult[]>,
    options: { inFlightMax?: number; queueMax?: number } = {},
  ) {
    this.#apply = apply;
    this.#inFlightMax = options.inFlightMax ?? 2;
    this.#queueMax = options.queueMax ?? 100_000;
  }

  /** Queued requests not yet in a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  submit(request: TransferRequest): Promise<TransferResult> {
    assert(!request.linked, 'a coalesced request stands alone');
    if (this.#queue.length >= this.#queueMax) return Promise.reject(new Error('transfer queue is full'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#inFlightMax && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, LIMITS.transferBatchSizeMax);
      this.#inFlight += 1;
      this.#apply(batch.map((item) => item.request))
        .then(
          (results) => {
            assert(results.length === batch.length, 'one result per coalesced request');
            for (const [i, item] of batch.entries()) item.resolve(results[i] as TransferResult);
          },
          (error: unknown) => {
            for (const item of batch) item.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }
}
