import type { Locale } from './i18n.tsx';

/**
 * The console's only way to the API: same-origin fetch with the session cookie, the language of
 * the UI in Accept-Language (so problem titles come back in it), and for every state-changing
 * request the CSRF token the server put in the `zr_csrf` cookie, echoed in `X-CSRF-Token`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | undefined,
  ) {
    super(`${status} ${code}: ${title}`);
  }
}

let currentLocale: Locale = 'en';
let onUnauthenticated: (() => void) | undefined;

export function setApiLocale(locale: Locale): void {
  currentLocale = locale;
}

/** Called when the server says the session is gone (401), so the console shows the sign-in page. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export function readCsrfCookie(cookies: string = document.cookie): string | undefined {
  for (const pair of cookies.split(';')) {
    const [name, value] = pair.trim().split('=');
    if (name === 'zr_csrf' && value) return value;
  }
  return undefined;
}

const SAFE = new Set(['GET', 'HEAD']);
const TIMEOUT_MS = 15_000;

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLocale };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method)) {
    const csrf = readCsrfCookie();
    if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const problem = (json ?? {}) as { code?: string; title?: string; detail?: string };
    const error = new ApiError(
      response.status,
      problem.code ?? `http_${response.status}`,
      problem.title ?? response.statusText,
      problem.detail,
    );
    if (response.status === 401 && path !== '/v1/identity/session') onUnauthenticated?.();
    throw error;
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/** `?a=1&b=2` from the defined values, or ''. */
export function query(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
