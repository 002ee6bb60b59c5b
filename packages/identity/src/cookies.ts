/**
 * The two console cookies, written and read without a cookie library (the format we need is small
 * and fixed): the session token (HttpOnly, so page scripts never see it) and the CSRF token (readable
 * by the console's own scripts, which echo it in `X-CSRF-Token`). Both SameSite=Strict, Path=/,
 * Secure when the request came over HTTPS.
 */
export const SESSION_COOKIE = 'zr_session';
export const CSRF_COOKIE = 'zr_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const COOKIE_HEADER_LENGTH_MAX = 8192;

/** The value of cookie `name` in a `Cookie` header, or undefined. Malformed pairs are skipped. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > COOKIE_HEADER_LENGTH_MAX) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

export interface CookieOptions {
  readonly httpOnly: boolean;
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  readonly maxAgeSeconds: number;
}

/** A `Set-Cookie` value. Values are our own tokens (base64url), so they need no escaping. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new Error('cookie values are base64url tokens');
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'SameSite=Strict',
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` values that open a session in the browser. */
export function sessionCookies(token: string, csrfToken: string, maxAgeSeconds: number, secure: boolean): string[] {
  return [
    serializeCookie(SESSION_COOKIE, token, { httpOnly: true, secure, maxAgeSeconds }),
    serializeCookie(CSRF_COOKIE, csrfToken, { httpOnly: false, secure, maxAgeSeconds }),
  ];
}

/** `Set-Cookie` values that remove both cookies. */
export function clearedCookies(secure: boolean): string[] {
  return [
    serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure, maxAgeSeconds: 0 }),
    serializeCookie(CSRF_COOKIE, '', { httpOnly: false, secure, maxAgeSeconds: 0 }),
  ];
}
