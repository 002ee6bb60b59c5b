import { performance } from 'node:perf_hooks';
import type { Agent } from 'undici';
import { guardedLookup, type HostResolver, systemResolver, type UrlPolicy } from './url-policy.ts';

/**
 * Sends one webhook request with undici: the policy's guarded DNS lookup on every connection, no
 * redirects followed (a 3xx is a failed attempt: a redirect could lead anywhere), one timeout over
 * connect, headers and body, and at most `responseBytesMax` of the response kept for the record.
 */
export interface DeliveryRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface DeliveryResponse {
  /** HTTP status, when a response arrived. */
  readonly statusCode: number | null;
  /** Why no (complete) response arrived: `timeout`, `connection_refused`, `address_forbidden`, … with the detail. */
  readonly error: string | null;
  /** The first `responseBytesMax` bytes of the response body, as UTF-8. */
  readonly responseBody: string;
  readonly latencyMs: number;
}

export interface DeliveryClientOptions {
  readonly policy: UrlPolicy;
  readonly timeoutMs: number;
  readonly resolver?: HostResolver;
  readonly responseBytesMax?: number;
}

export const RESPONSE_BYTES_MAX = 2048;
const ERROR_LENGTH_MAX = 500;

export class DeliveryClient {
  readonly #options: DeliveryClientOptions;
  readonly #timeoutMs: number;
  readonly #responseBytesMax: number;
  /** undici is loaded on the first send: CLI commands that never send do not pay for it. */
  #undici: Promise<{ agent: Agent; request: typeof import('undici').request }> | undefined;

  constructor(options: DeliveryClientOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs;
    this.#responseBytesMax = options.responseBytesMax ?? RESPONSE_BYTES_MAX;
  }

  #client() {
    this.#undici ??= import('undici').then(({ Agent, request }) => ({
      request,
      agent: new Agent({
        connect: {
          timeout: this.#timeoutMs,
          lookup: guardedLookup(this.#options.policy, this.#options.resolver ?? systemResolver) as never,
        },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        keepAliveTimeout: 4_000,
        connections: 16,
      }),
    }));
    return this.#undici;
  }

  async send(delivery: DeliveryRequest): Promise<DeliveryResponse> {
    const started = performance.now();
    const latency = () => Math.max(0, Math.round(performance.now() - started));
    try {
      const { agent, request } = await this.#client();
      const response = await request(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        dispatcher: agent,
        signal: AbortSignal.timeout(this.#timeoutMs),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      const chunks: Buffer[] = [];
      let kept = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (kept < this.#responseBytesMax) {
          const part = chunk.subarray(0, this.#responseBytesMax - kept);
          chunks.push(part);
          kept += part.length;
        }
        // Enough for the record: stop reading (the connection is closed rather than drained).
        if (kept >= this.#responseBytesMax) break;
      }
      return {
        statusCode: response.statusCode,
        error: null,
        responseBody: Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\uFFFD$/, ''),
        latencyMs: latency(),
      };
    } catch (error) {
      return { statusCode: null, error: describeError(error), responseBody: '', latencyMs: latency() };
    }
  }

  async close(): Promise<void> {
    if (this.#undici === undefined) return;
    const { agent } = await this.#undici;
    await agent.close();
  }
}

const BY_CODE: Readonly<Record<string, string>> = {
  ZR_ADDRESS_FORBIDDEN: 'address_forbidden',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  EPIPE: 'connection_reset',
  ENOTFOUND: 'dns_failed',
  EAI_AGAIN: 'dns_failed',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
};

/** A short, stable reason first (`timeout: …`), then the detail. */
export function describeError(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  let reason = 'network_error';
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (current.name === 'TimeoutError') {
      reason = 'timeout';
      break;
    }
    if (typeof code === 'string') {
      if (BY_CODE[code]) {
        reason = BY_CODE[code];
        break;
      }
      if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL')) {
        reason = 'tls_failed';
        break;
      }
    }
    current = current.cause;
  }
  const message = current instanceof Error ? current.message : String(error);
  return `${reason}: ${message}`.slice(0, ERROR_LENGTH_MAX);
}
