import {
  type ErrorCatalog,
  type ErrorDefinition,
  type Language,
  type ProblemDetails,
  problemFor,
} from '@zhirong/kernel';

/**
 * An expected failure on its way to the HTTP edge, carrying its catalog entry so the edge can
 * render RFC 9457 problem+json in the request's language without knowing the domain.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly code: string,
    readonly definition: ErrorDefinition,
    readonly options: {
      params?: Record<string, unknown>;
      detail?: string;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(`${code}: ${definition.en}`);
  }

  get status(): number {
    return this.definition.status;
  }

  toProblem(language: Language, instance?: string): ProblemDetails {
    return problemFor(this.code, this.definition, language, {
      ...(this.options.extensions ?? {}),
      ...(this.options.params ? { params: this.options.params } : {}),
      ...(this.options.detail ? { detail: this.options.detail } : {}),
      ...(instance ? { instance } : {}),
    });
  }
}

/** `throw problem(ledgerErrors, 'account_not_found', { params: { id } })` */
export function problem<C extends string>(
  catalog: ErrorCatalog<C>,
  code: C,
  options: ConstructorParameters<typeof ProblemError>[2] = {},
): ProblemError {
  return new ProblemError(code, catalog[code], options);
}
