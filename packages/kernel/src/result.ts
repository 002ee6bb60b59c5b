/** A command's expected outcome: a value, or one stable error code per reason. */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<C extends string = string, D = undefined> = {
  readonly ok: false;
  readonly code: C;
  readonly detail?: D;
};
export type Result<T, C extends string = string, D = undefined> = Ok<T> | Err<C, D>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<C extends string>(code: C): Err<C>;
export function err<C extends string, D>(code: C, detail: D): Err<C, D>;
export function err<C extends string, D>(code: C, detail?: D): Err<C, D> {
  return detail === undefined ? { ok: false, code } : { ok: false, code, detail };
}

/** Unwraps a result that the caller has proven cannot fail; a failure is a programmer error. */
export function unwrap<T>(result: Result<T, string, unknown>): T {
  if (!result.ok) throw new Error(`unwrap on error result: ${result.code}`);
  return result.value;
}
