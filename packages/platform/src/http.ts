/**
 * What the HTTP edge tells a module's routes, as Fastify type augmentation: the scope a route
 * requires (`config: { scope: 'ledger:write' }`) and the authenticated caller (`request.principal`).
 * apps/server enforces both; modules only declare and read them.
 */
export interface Principal {
  /**
   * The prefixed id of the credential that authenticated the request: an API key (`key_…`), or for
   * a console session the staff user (`stf_…`, and then `staff` is set too).
   */
  readonly keyId: string;
  /** The key's scopes, or those of the staff user's role; `admin` implies every scope. */
  readonly scopes: readonly string[];
  /** Set when a staff user's console session (cookie) authenticated the request. */
  readonly staff?: StaffPrincipal;
}

/** The staff user behind a console session. */
export interface StaffPrincipal {
  /** `stf_…` */
  readonly id: string;
  readonly role: string;
  /** `ses_…` */
  readonly sessionId: string;
  /** ISO 8601: when the session ends unless used again (idle) or at the latest (absolute). */
  readonly expiresAt: string;
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
