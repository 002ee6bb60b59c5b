import { createHash, timingSafeEqual } from 'node:crypto';
import { err, formatId, ok, type PrefixedId, type Result, type Rng } from '@zhirong/kernel';
import type { Principal, ScopeCatalog } from '@zhirong/platform';

/**
 * API keys: `zrk_<key id suffix>_<secret>`.
 *
 * - `zrk_` marks the string as a Zhirong key, so secret scanners can find leaked ones.
 * - The key id suffix is the 26-character part of the key's prefixed id (`key_<suffix>`): the
 *   server looks the key up by id, never by secret.
 * - The secret is 32 random bytes, base64url without padding (43 characters, 256 bits).
 *
 * Only the SHA-256 of the secret is stored. A fast hash is right here because the secret is
 * uniformly random: there is no dictionary to attack, so a slow password hash (argon2) would only
 * add latency to every uncached request.
 */
export const API_KEY_PREFIX = 'zrk_';
export const KEY_ID_PREFIX = 'key';
export const SECRET_BYTES = 32;
/** base64url length of SECRET_BYTES without padding. */
export const SECRET_LENGTH = 43;
/** `zrk_` + 26 + `_` + 43. */
export const API_KEY_LENGTH = API_KEY_PREFIX.length + 26 + 1 + SECRET_LENGTH;
export const KEY_NAME_LENGTH_MAX = 100;
export const SCOPES_PER_KEY_MAX = 32;

export type KeyId = PrefixedId<typeof KEY_ID_PREFIX>;

/** The scope that implies every other scope. */
export const ADMIN_SCOPE = 'admin';

/**
 * Scopes every installation knows, whichever modules are loaded. Modules add theirs through
 * `ZhirongModule.scopes`; the server declares them to the access service at start.
 */
export const BUILTIN_SCOPES: ScopeCatalog = Object.freeze({
  [ADMIN_SCOPE]: 'Every scope, including managing API keys and reading metrics',
  'ledger:read': 'Read ledger accounts, balances and transfers',
  'ledger:write': 'Create ledger accounts and post transfers',
});

const SCOPE_PATTERN = /^[a-z][a-z0-9_]*(?::[a-z][a-z0-9_]*)?$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Printable characters only: no control characters (C0, DEL, C1) in a name shown in consoles and logs.
const NAME_FORBIDDEN = /\p{Cc}/u;

export function isScopeName(scope: string): boolean {
  return SCOPE_PATTERN.test(scope);
}

/** True when `scopes` grant `required`; `admin` grants everything. */
export function hasScope(principal: Pick<Principal, 'scopes'>, required: string): boolean {
  return principal.scopes.includes(required) || principal.scopes.includes(ADMIN_SCOPE);
}

/** A new key's plaintext parts. The plaintext is shown once and never stored. */
export interface IssuedSecret {
  readonly plaintext: string;
  readonly secretSha256: Buffer;
}

export function issueSecret(keyId: KeyId, rng: Rng): IssuedSecret {
  const secret = Buffer.from(rng.bytes(SECRET_BYTES)).toString('base64url');
  return { plaintext: formatApiKey(keyId, secret), secretSha256: hashSecret(secret) };
}

export function formatApiKey(keyId: KeyId, secret: string): string {
  const suffix = keyId.slice(KEY_ID_PREFIX.length + 1);
  const plaintext = `${API_KEY_PREFIX}${suffix}_${secret}`;
  if (plaintext.length !== API_KEY_LENGTH || !SECRET_PATTERN.test(secret)) throw new RangeError('malformed key parts');
  return plaintext;
}

export interface ParsedApiKey {
  readonly keyId: KeyId;
  readonly secret: string;
}

// The 26-character id suffix: a 128-bit value in Crockford base32 (first character at most 7).
const KEY_ID_SUFFIX_PATTERN = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

/**
 * Splits a presented key into id and secret by position (the secret's alphabet contains `_`).
 * Checks the shape only; it runs on every request, so it stays cheap (no id decoding).
 */
export function parseApiKey(text: string): Result<ParsedApiKey, 'api_key_invalid'> {
  if (typeof text !== 'string' || text.length !== API_KEY_LENGTH || !text.startsWith(API_KEY_PREFIX)) {
    return err('api_key_invalid');
  }
  const suffixEnd = API_KEY_PREFIX.length + 26;
  if (text[suffixEnd] !== '_') return err('api_key_invalid');
  const suffix = text.slice(API_KEY_PREFIX.length, suffixEnd);
  const secret = text.slice(suffixEnd + 1);
  if (!KEY_ID_SUFFIX_PATTERN.test(suffix) || !SECRET_PATTERN.test(secret)) return err('api_key_invalid');
  return ok({ keyId: `${KEY_ID_PREFIX}_${suffix}` as KeyId, secret });
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares two SHA-256 digests in time independent of where they differ. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function keyIdOf(uuid: string): KeyId {
  return formatId(KEY_ID_PREFIX, uuid);
}

/** Trims and checks a key name; `undefined` when it is not acceptable. */
export function normalizeKeyName(name: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > KEY_NAME_LENGTH_MAX || NAME_FORBIDDEN.test(trimmed)) return undefined;
  return trimmed;
}

/**
 * Checks requested scopes against the known ones; returns them deduplicated and sorted, or the
 * first unknown scope.
 */
export function normalizeScopes(
  scopes: readonly string[],
  known: ReadonlySet<string>,
): Result<string[], 'scope_unknown', { scope: string }> {
  const unique = [...new Set(scopes)].sort();
  if (unique.length === 0 || unique.length > SCOPES_PER_KEY_MAX) return err('scope_unknown', { scope: '' });
  for (const scope of unique) {
    if (!isScopeName(scope) || !known.has(scope)) return err('scope_unknown', { scope });
  }
  return ok(unique);
}

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

/** An API key as listed to administrators: never the secret, never its hash. */
export interface ApiKeyView {
  readonly id: KeyId;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly status: ApiKeyStatus;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  /** The key that created this one; null for the bootstrap key and keys made from the CLI. */
  readonly createdBy: KeyId | null;
  readonly revokedBy: KeyId | null;
}

export function statusOf(key: { revokedAt: Date | null; expiresAt: Date | null }, nowMs: number): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= nowMs) return 'expired';
  return 'active';
}
