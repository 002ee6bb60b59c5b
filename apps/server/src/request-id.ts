import type { IncomingMessage } from 'node:http';
import type { IdGenerator, Rng } from '@zhirong/kernel';

/** An incoming X-Request-Id is kept only if it is short and plain; otherwise the server makes one. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const REQUEST_ID_HEADER = 'x-request-id';

export function requestIdGenerator(ids: IdGenerator): (request: IncomingMessage) => string {
  return (request) => {
    const incoming = request.headers[REQUEST_ID_HEADER];
    if (typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)) return incoming;
    return ids.next('req');
  };
}

/**
 * An Rng that draws `poolBytes` at a time from another and hands them out in slices. One
 * `getRandomValues` call per request id cost more than the rest of id generation; pooling makes it
 * about a third. For request ids only: they need uniqueness, not secrecy.
 */
export class PooledRng implements Rng {
  readonly #source: Rng;
  readonly #poolBytes: number;
  #pool: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(source: Rng, poolBytes = 4096) {
    this.#source = source;
    this.#poolBytes = poolBytes;
  }

  bytes(length: number): Uint8Array {
    if (length > this.#poolBytes) return this.#source.bytes(length);
    if (this.#offset + length > this.#pool.length) {
      this.#pool = this.#source.bytes(this.#poolBytes);
      this.#offset = 0;
    }
    const out = this.#pool.slice(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  int(bound: number): number {
    return this.#source.int(bound);
  }

  float(): number {
    return this.#source.float();
  }
}
