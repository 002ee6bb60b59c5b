/**
 * RFC 9457 problem details and the per-domain error catalogs behind them. Every expected failure
 * has one stable machine-readable `code`, an HTTP status, and a message in each supported language.
 */
export type Language = 'en' | 'zh-CN';
export const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];

export interface ErrorDefinition {
  readonly status: number;
  readonly en: string;
  readonly zh: string;
}

export type ErrorCatalog<C extends string = string> = Readonly<Record<C, ErrorDefinition>>;

/** Declares a catalog; the literal keys become the domain's error-code type. */
export function defineErrors<const C extends string>(catalog: Record<C, ErrorDefinition>): ErrorCatalog<C> {
  for (const [code, def] of Object.entries<ErrorDefinition>(catalog)) {
    if (!/^[a-z][a-z0-9_]*$/.test(code)) throw new Error(`error code ${code} must be snake_case`);
    if (def.status < 400 || def.status > 599) throw new Error(`error code ${code} needs a 4xx/5xx status`);
  }
  return Object.freeze(catalog);
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://zhirong.dev/problems/';

/** Replaces `{name}` placeholders with values; unknown placeholders stay visible. */
export function interpolate(template: string, params: Readonly<Record<string, unknown>> = {}): string {
  // Own keys only: `{constructor}` or `{toString}` must not render Object.prototype members.
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function messageFor(def: ErrorDefinition, language: Language, params?: Record<string, unknown>): string {
  return interpolate(language === 'zh-CN' ? def.zh : def.en, params);
}

export function problemFor(
  code: string,
  def: ErrorDefinition,
  language: Language,
  extras: { detail?: string; instance?: string; params?: Record<string, unknown>; [k: string]: unknown } = {},
): ProblemDetails {
  const { detail, instance, params, ...extensions } = extras;
  const members = {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: messageFor(def, language, params),
    status: def.status,
    code,
  };
  return {
    ...members,
    ...(detail === undefined ? {} : { detail }),
    ...(instance === undefined ? {} : { instance }),
    ...extensions,
    // An extension never overrides a standard member: the body's status must match the HTTP status.
    ...members,
  };
}

/**
 * Picks zh-CN or en from an Accept-Language header by quality value (RFC 9110 §12.5.4).
 * Any `zh*` range maps to zh-CN; anything else that is acceptable maps to en; default en.
 */
export function negotiateLanguage(header: string | undefined | null): Language {
  if (!header) return 'en';
  let best: { language: Language; q: number } | undefined;
  for (const part of header.split(',').slice(0, 32)) {
    const [rangeRaw = '', ...paramsRaw] = part.trim().split(';');
    const range = rangeRaw.trim().toLowerCase();
    if (range === '') continue;
    let q = 1;
    for (const p of paramsRaw) {
      const [k, v] = p.trim().split('=');
      if (k === 'q' && v !== undefined) {
        const n = Number(v);
        q = Number.isFinite(n) ? n : 0;
      }
    }
    if (q <= 0) continue;
    const language: Language | undefined = range.startsWith('zh')
      ? 'zh-CN'
      : range === '*' || range.startsWith('en')
        ? 'en'
        : undefined;
    if (language !== undefined && (best === undefined || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'en';
}

/**
 * An expected failure outside HTTP (a library, a file import, a CLI), carrying its catalog code and
 * parameters: the English message is the `Error` message, the Chinese one is `messageZh`, and the
 * status is the catalog's. Each package subclasses it once (`MlError`, `AmlError`, …) for `instanceof`.
 */
export class CatalogError<C extends string> extends Error {
  readonly code: C;
  readonly params: Readonly<Record<string, unknown>>;
  readonly #catalog: ErrorCatalog<C>;

  constructor(catalog: ErrorCatalog<C>, code: C, params: Record<string, unknown> = {}) {
    super(messageFor(catalog[code], 'en', params));
    this.#catalog = catalog;
    this.code = code;
    this.params = params;
  }

  get status(): number {
    return this.#catalog[this.code].status;
  }

  /** The message in Chinese. */
  get messageZh(): string {
    return messageFor(this.#catalog[this.code], 'zh-CN', this.params);
  }
}
