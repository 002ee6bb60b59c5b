// Helpers shared by the AML route files: catalog errors to problem+json, the acting user, and prefixed ids at the edge.
import { parseId } from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import type { FastifyRequest } from 'fastify';
import { AmlError, type AmlErrorCode, amlErrors } from './errors.ts';

/** AmlError → RFC 9457 problem with the catalog entry. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AmlError) throw problem(amlErrors, error.code, { params: { ...error.params } });
    throw error;
  }
}

export function fail(code: AmlErrorCode, params: Record<string, unknown> = {}): never {
  throw problem(amlErrors, code, { params });
}

/** Who acts: the staff user of a console session, else the API key. */
export const actor = (request: FastifyRequest) => request.principal?.staff?.id ?? request.principal?.keyId ?? 'system';

export function idOf(prefix: string, text: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail('id_malformed', { value: text, kind: prefix });
  return parsed.value;
}
