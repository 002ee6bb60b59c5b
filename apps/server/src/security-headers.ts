import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers, computed once. Every option we use is static, so the headers are the
 * same on every response; @fastify/helmet would rebuild the helmet middleware on every request
 * (about a tenth of the server's CPU per request in our profile), so we run helmet once at start
 * and copy its headers onto each reply.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  // The API is usually served over plain HTTP behind a TLS-terminating load balancer, or on localhost.
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}
