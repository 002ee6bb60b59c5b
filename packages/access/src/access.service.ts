import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inTransaction } from '@zhirong/db';
import { assert, err, LIMITS, ok, parseId, type Result } from '@zhirong/kernel';
import type { ModuleContext, Principal, ScopeCatalog } from '@zhirong/platform';
import { type CachedKey, KeyCache, type KnownKey } from './api-key.cache.ts';
import {
  type AccessDb,
  type ApiKeyListRow,
  anyKeyExists,
  countOtherActiveAdmins,
  findKey,
  findKeyWithDigest,
  insertKey,
  listKeys,
  lockFor,
  markRevoked,
} from './api-key.repository.ts';
import {
  ADMIN_SCOPE,
  type ApiKeyView,
  BUILTIN_SCOPES,
  digestsEqual,
  hashSecret,
  isScopeName,
  issueSecret,
  KEY_ID_PREFIX,
  type KeyId,
  keyIdOf,
  normalizeKeyName,
  normalizeScopes,
  parseApiKey,
  statusOf,
} from './api-key.ts';

/** How long a verified key is trusted without reading the database again (and so how long a revocation in another process takes to bite). */
export const KEY_CACHE_TTL_MS = 5_000;
export const KEY_CACHE_SIZE_MAX = 10_000;
/** The file the bootstrap admin key is written to, inside the data directory. */
export const ADMIN_KEY_FILE = 'admin-key';
export const BOOTSTRAP_KEY_NAME = 'bootstrap admin';

export type AccessDeps = Pick<ModuleContext, 'db' | 'clock' | 'rng' | 'ids' | 'outbox' | 'eventsCommitted'>;

export interface AccessServiceOptions {
  readonly cacheTtlMs?: number;
  readonly cacheSizeMax?: number;
}

export interface CreateKeyInput {
  readonly name: string;
  readonly scopes: readonly string[];
  /** Null or absent: the key does not expire. */
  readonly expiresAt?: Date | null;
  /** The key id of the administrator who asks (recorded for audit). */
  readonly createdBy?: string | null;
}

export interface CreatedApiKey {
  /** The plaintext key. It is returned here once and stored nowhere. */
  readonly key: string;
  readonly apiKey: ApiKeyView;
}

export type CreateKeyError = 'scope_unknown' | 'api_key_name_invalid' | 'api_key_expiry_invalid';
export type VerifyError = 'api_key_invalid' | 'api_key_revoked' | 'api_key_expired';
export type RevokeError = 'api_key_not_found' | 'api_key_last_admin';

export interface ApiKeyPage {
  readonly items: readonly ApiKeyView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * API keys: issue, verify, revoke, list. Verification is cached in memory for `KEY_CACHE_TTL_MS`
 * (see the package README for what that means for revocation).
 */
export class AccessService {
  readonly #db: AccessDb;
  readonly #deps: AccessDeps;
  readonly #cache: KeyCache;
  /** Concurrent first requests with one key share one database read. */
  readonly #loading = new Map<string, Promise<CachedKey>>();
  readonly #scopes = new Map<string, string>(Object.entries(BUILTIN_SCOPES));

  constructor(deps: AccessDeps, options: AccessServiceOptions = {}) {
    this.#deps = deps;
    this.#db = deps.db.kysely as AccessDb;
    this.#cache = new KeyCache(options.cacheTtlMs ?? KEY_CACHE_TTL_MS, options.cacheSizeMax ?? KEY_CACHE_SIZE_MAX);
  }

  /** Adds scopes that keys may carry (a module's `scopes`); the built-in ones are always known. */
  declareScopes(catalog: ScopeCatalog): void {
    for (const [scope, description] of Object.entries(catalog)) {
      assert(isScopeName(scope), `scope ${scope} must look like "domain:action"`);
      if (!this.#scopes.has(scope)) this.#scopes.set(scope, description);
    }
  }

  /** Every scope a key may be given, with its description. */
  scopeCatalog(): ScopeCatalog {
    return Object.fromEntries([...this.#scopes].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  isKnownScope(scope: string): boolean {
    return this.#scopes.has(scope);
  }

  async createKey(input: CreateKeyInput): Promise<Result<CreatedApiKey, CreateKeyError, { scope: string }>> {
    const checked = this.#checkNewKey(input);
    if (!checked.ok) return checked;
    const created = await inTransaction(this.#db, (trx) => this.#insert(trx, checked.value));
    this.#deps.eventsCommitted();
    return created;
  }

  /**
   * Checks a presented key. A wrong secret is `api_key_invalid` whatever the key's state, so the
   * answer tells nothing about a key to someone who does not hold it.
   */
  async verify(plaintext: string): Promise<Result<Principal, VerifyError>> {
    const parsed = parseApiKey(plaintext);
    if (!parsed.ok) return err('api_key_invalid');
    const nowMs = this.#deps.clock.nowMs();
    const entry = this.#cache.get(parsed.value.keyId, nowMs) ?? (await this.#load(parsed.value.keyId));
    if (entry.kind === 'unknown') return err('api_key_invalid');
    if (!digestsEqual(hashSecret(parsed.value.secret), entry.digest)) return err('api_key_invalid');
    if (entry.revoked) return err('api_key_revoked');
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs) return err('api_key_expired');
    return ok({ keyId: parsed.value.keyId, scopes: entry.scopes });
  }

  async getKey(keyId: string): Promise<Result<ApiKeyView, 'api_key_not_found'>> {
    const uuid = parseId(KEY_ID_PREFIX, keyId);
    if (!uuid.ok) return err('api_key_not_found');
    const row = await findKey(this.#db, uuid.value);
    return row === undefined ? err('api_key_not_found') : ok(this.#view(row));
  }

  /**
   * Revokes a key (idempotent: revoking a revoked key returns it unchanged). The last active admin
   * key cannot be revoked, so an installation cannot lock itself out.
   */
  async revoke(keyId: string, options: { revokedBy?: string | null } = {}): Promise<Result<ApiKeyView, RevokeError>> {
    const uuid = parseId(KEY_ID_PREFIX, keyId);
    if (!uuid.ok) return err('api_key_not_found');
    const revokedBy = options.revokedBy ? parseId(KEY_ID_PREFIX, options.revokedBy) : undefined;
    const result = await inTransaction(this.#db, async (trx): Promise<Result<ApiKeyView, RevokeError>> => {
      await lockFor(trx, 'revoke');
      const row = await findKey(trx, uuid.value, true);
      if (row === undefined) return err('api_key_not_found');
      if (row.revoked_at !== null) return ok(this.#view(row));
      const now = this.#deps.clock.now();
      if (row.scopes.includes(ADMIN_SCOPE) && statusOf(this.#dates(row), now.getTime()) === 'active') {
        if ((await countOtherActiveAdmins(trx, row.id, now)) === 0) return err('api_key_last_admin');
      }
      const by = revokedBy?.ok ? revokedBy.value : null;
      await markRevoked(trx, row.id, now, by);
      await this.#deps.outbox.enqueue(trx, [
        {
          topic: 'access.api_keys.revoked',
          key: keyIdOf(row.id),
          payload: {
            keyId: keyIdOf(row.id),
            revokedAt: now.toISOString(),
            revokedBy: by === null ? null : keyIdOf(by),
          },
        },
      ]);
      return ok(this.#view({ ...row, revoked_at: now, revoked_by: by }));
    });
    // Forget after the commit, so no reader in this process caches the pre-revocation row from now on.
    this.#forget(uuid.value);
    if (result.ok) this.#deps.eventsCommitted();
    return result;
  }

  /** Keys in creation order, `limit` (≤ 500) at a time. */
  async list(page: { limit?: number; cursor?: string } = {}): Promise<Result<ApiKeyPage, 'api_key_cursor_invalid'>> {
    const limit = Math.min(Math.max(1, Math.trunc(page.limit ?? LIMITS.pageSizeDefault)), LIMITS.pageSizeMax);
    let afterId: string | undefined;
    if (page.cursor !== undefined) {
      const parsed = parseId(KEY_ID_PREFIX, page.cursor);
      if (!parsed.ok) return err('api_key_cursor_invalid');
      afterId = parsed.value;
    }
    const rows = await listKeys(this.#db, { limit: limit + 1, ...(afterId === undefined ? {} : { afterId }) });
    const items = rows.slice(0, limit).map((row) => this.#view(row));
    const last = items.at(-1);
    return ok({ items, nextCursor: rows.length > limit && last !== undefined ? last.id : null });
  }

  /**
   * On the very first start (no key exists at all) creates an admin key, writes it to
   * `<dataDir>/admin-key` (mode 0600) and returns the plaintext so the caller can show it once.
   * Otherwise returns undefined, even when the file is gone. Safe when several processes start at
   * once: an advisory lock lets one of them create the key.
   */
  async ensureBootstrapAdminKey(dataDir: string): Promise<string | undefined> {
    const key = await inTransaction(this.#db, async (trx) => {
      await lockFor(trx, 'bootstrap');
      if (await anyKeyExists(trx)) return undefined;
      const checked = this.#checkNewKey({ name: BOOTSTRAP_KEY_NAME, scopes: [ADMIN_SCOPE] });
      assert(checked.ok, 'the bootstrap key is always acceptable');
      const created = await this.#insert(trx, checked.value);
      assert(created.ok, 'the bootstrap key is always created');
      // Written before the commit: if the write fails nothing is created; if the commit fails the
      // next start finds no key and writes the file again.
      writeSecretFile(join(dataDir, ADMIN_KEY_FILE), `${created.value.key}\n`);
      return created.value.key;
    });
    if (key !== undefined) this.#deps.eventsCommitted();
    return key;
  }

  #checkNewKey(input: CreateKeyInput): Result<NewKey, CreateKeyError, { scope: string }> {
    const name = normalizeKeyName(input.name);
    if (name === undefined) return err('api_key_name_invalid');
    const scopes = normalizeScopes(input.scopes, new Set(this.#scopes.keys()));
    if (!scopes.ok) return err('scope_unknown', scopes.detail ?? { scope: '' });
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null && !(expiresAt.getTime() > this.#deps.clock.nowMs())) return err('api_key_expiry_invalid');
    let createdBy: string | null = null;
    if (input.createdBy) {
      const parsed = parseId(KEY_ID_PREFIX, input.createdBy);
      assert(parsed.ok, 'createdBy must be a key id');
      createdBy = parsed.value;
    }
    return ok({ name, scopes: scopes.value, expiresAt, createdBy });
  }

  async #insert(trx: Parameters<typeof insertKey>[0], input: NewKey): Promise<Result<CreatedApiKey, never>> {
    const uuid = this.#deps.ids.uuid();
    const keyId = keyIdOf(uuid);
    const issued = issueSecret(keyId, this.#deps.rng);
    const now = this.#deps.clock.now();
    const row = {
      id: uuid,
      name: input.name,
      scopes: input.scopes,
      secret_sha256: issued.secretSha256,
      created_at: now,
      expires_at: input.expiresAt,
      revoked_at: null,
      created_by: input.createdBy,
      revoked_by: null,
    };
    await insertKey(trx, row);
    const apiKey = this.#view(row);
    await this.#deps.outbox.enqueue(trx, [
      {
        topic: 'access.api_keys.created',
        key: keyId,
        payload: {
          keyId,
          name: apiKey.name,
          scopes: apiKey.scopes,
          expiresAt: apiKey.expiresAt?.toISOString() ?? null,
          createdBy: apiKey.createdBy,
        },
      },
    ]);
    this.#forget(uuid);
    return ok({ key: issued.plaintext, apiKey });
  }

  /** Reads a key for the cache; `keyId` has passed `parseApiKey`, so it decodes. */
  #load(keyId: KeyId): Promise<CachedKey> {
    const pending = this.#loading.get(keyId);
    if (pending !== undefined) return pending;
    const uuid = parseId(KEY_ID_PREFIX, keyId);
    assert(uuid.ok, 'a parsed key id decodes');
    const loading: Promise<CachedKey> = findKeyWithDigest(this.#db, uuid.value)
      .then((row): CachedKey => {
        const entry: CachedKey =
          row === undefined
            ? { kind: 'unknown' }
            : ({
                kind: 'known',
                digest: Buffer.from(row.secret_sha256),
                scopes: Object.freeze([...row.scopes]),
                expiresAtMs: row.expires_at?.getTime() ?? null,
                revoked: row.revoked_at !== null,
              } satisfies KnownKey);
        // A revocation while this read was in flight forgot the read: its answer is not cached.
        if (this.#loading.get(keyId) === loading) this.#cache.set(keyId, entry, this.#deps.clock.nowMs());
        return entry;
      })
      .finally(() => {
        if (this.#loading.get(keyId) === loading) this.#loading.delete(keyId);
      });
    this.#loading.set(keyId, loading);
    return loading;
  }

  #forget(keyUuid: string): void {
    const keyId = keyIdOf(keyUuid);
    this.#cache.delete(keyId);
    this.#loading.delete(keyId);
  }

  #dates(row: Pick<ApiKeyListRow, 'revoked_at' | 'expires_at'>) {
    return { revokedAt: row.revoked_at, expiresAt: row.expires_at };
  }

  #view(row: ApiKeyListRow): ApiKeyView {
    return {
      id: keyIdOf(row.id),
      name: row.name,
      scopes: row.scopes,
      status: statusOf(this.#dates(row), this.#deps.clock.nowMs()),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      createdBy: row.created_by === null ? null : (keyIdOf(row.created_by) as KeyId),
      revokedBy: row.revoked_by === null ? null : (keyIdOf(row.revoked_by) as KeyId),
    };
  }
}

interface NewKey {
  readonly name: string;
  readonly scopes: string[];
  readonly expiresAt: Date | null;
  readonly createdBy: string | null;
}

/** Writes a secret file atomically with mode 0600 (in a 0700 directory created if missing). */
function writeSecretFile(path: string, content: string): void {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = `${path}.${process.pid}.tmp`;
  rmSync(partial, { force: true });
  try {
    writeFileSync(partial, content, { mode: 0o600, flag: 'wx' });
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
