/**
 * What the HTTP edge tells a module's routes, as Fastify type augmentation: the scope a route
 * requires (`config: { scope: 'ledger:write' }`) and the authenticated caller (`request.principal`).
 * apps/server enforces both; modules only declare and read them.
 */
export interface Principal {
  /** The prefixed id of the API key that authenticated the request (`key_…`). */
  readonly keyId: string;
  /** The key's scopes; `admin` implies every scope. */
  readonly scopes: readonly string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API-key scope the route requires; without one, any valid key may call it. */
    scope?: string;
  }
  interface FastifyRequest {
    /** Set by the server's authentication hook on every route that needs credentials. */
    principal: Principal | undefined;
  }
}
