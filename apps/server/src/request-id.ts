import type { IncomingMessage } from 'node:http';
import type { IdGenerator } from '@zhirong/kernel';

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
