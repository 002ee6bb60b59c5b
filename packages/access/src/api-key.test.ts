// Proves the API-key format round-trips, that any altered key or digest is rejected, and the scope rules (admin implies all).
import { IdGenerator } from '@zhirong/kernel';
import { ManualClock, SeededRng } from '@zhirong/kernel/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyCache } from './api-key.cache.ts';
import {
  API_KEY_LENGTH,
  digestsEqual,
  formatApiKey,
  hashSecret,
  hasScope,
  issueSecret,
  KEY_ID_PREFIX,
  type KeyId,
  normalizeKeyName,
  normalizeScopes,
  parseApiKey,
  statusOf,
} from './api-key.ts';

const ids = new IdGenerator(new ManualClock(), new SeededRng(7));
const newKeyId = () => ids.next(KEY_ID_PREFIX) as KeyId;

describe('api key format', () => {
  it('has the documented shape: zrk_<26-char id suffix>_<43-char base64url secret>', () => {
    const keyId = newKeyId();
    const { plaintext } = issueSecret(keyId, new SeededRng(1));
    expect(plaintext).toHaveLength(API_KEY_LENGTH);
    expect(plaintext).toMatch(/^zrk_[0-7][0-9a-hjkmnp-tv-z]{25}_[A-Za-z0-9_-]{43}$/);
    expect(plaintext.slice(4, 30)).toBe(keyId.slice(4));
  });

  it('parses back to the key id and secret for any secret bytes (the secret may contain "_")', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const keyId = newKeyId();
        const secret = Buffer.from(bytes).toString('base64url');
        const parsed = parseApiKey(formatApiKey(keyId, secret));
        expect(parsed).toEqual({ ok: true, value: { keyId, secret } });
      }),
    );
  });

  it('rejects any string that is not exactly a well-formed key', () => {
    const { plaintext } = issueSecret(newKeyId(), new SeededRng(2));
    for (const bad of [
      '',
      'zrk_',
      plaintext.slice(1),
      `${plaintext}x`,
      plaintext.replace('zrk_', 'zrx_'),
      `${plaintext.slice(0, 30)}-${plaintext.slice(31)}`,
      `${plaintext.slice(0, 4)}u${plaintext.slice(5)}`, // 'u' is not Crockford base32
      `${plaintext.slice(0, 4)}9${plaintext.slice(5)}`, // first char above 7 overflows 128 bits
      `${plaintext.slice(0, 40)}=${plaintext.slice(41)}`,
    ]) {
      expect(parseApiKey(bad)).toEqual({ ok: false, code: 'api_key_invalid' });
    }
  });

  it('never matches the stored digest once any character of the secret changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 42 }), fc.constantFrom(...'ABCxyz019-_'), (position, ch) => {
        const { plaintext, secretSha256 } = issueSecret(newKeyId(), new SeededRng(position));
        const secret = plaintext.slice(31);
        fc.pre(secret[position] !== ch);
        const tampered = `${secret.slice(0, position)}${ch}${secret.slice(position + 1)}`;
        expect(digestsEqual(hashSecret(tampered), secretSha256)).toBe(false);
        expect(digestsEqual(hashSecret(secret), secretSha256)).toBe(true);
      }),
    );
  });

  it('compares digests of different lengths as unequal without throwing', () => {
    expect(digestsEqual(new Uint8Array(32), new Uint8Array(31))).toBe(false);
  });
});

describe('scopes', () => {
  const known = new Set(['admin', 'ledger:read', 'ledger:write']);

  it('admin implies every scope; others only themselves', () => {
    expect(hasScope({ scopes: ['admin'] }, 'ledger:write')).toBe(true);
    expect(hasScope({ scopes: ['ledger:read'] }, 'ledger:read')).toBe(true);
    expect(hasScope({ scopes: ['ledger:read'] }, 'ledger:write')).toBe(false);
    expect(hasScope({ scopes: ['ledger:read'] }, 'admin')).toBe(false);
    expect(hasScope({ scopes: [] }, 'ledger:read')).toBe(false);
  });

  it('normalises requested scopes: deduplicated, sorted, every one known, at least one', () => {
    expect(normalizeScopes(['ledger:write', 'ledger:read', 'ledger:write'], known)).toEqual({
      ok: true,
      value: ['ledger:read', 'ledger:write'],
    });
    expect(normalizeScopes(['ledger:read', 'ledger:delete'], known)).toEqual({
      ok: false,
      code: 'scope_unknown',
      detail: { scope: 'ledger:delete' },
    });
    expect(normalizeScopes([], known).ok).toBe(false);
    expect(normalizeScopes(['Admin'], known).ok).toBe(false);
  });

  it('accepts printable names of 1 to 100 characters, trimmed', () => {
    expect(normalizeKeyName('  payments service ')).toBe('payments service');
    expect(normalizeKeyName('核心系统')).toBe('核心系统');
    expect(normalizeKeyName('   ')).toBeUndefined();
    expect(normalizeKeyName('a'.repeat(101))).toBeUndefined();
    expect(normalizeKeyName('bad\nname')).toBeUndefined();
  });

  it('derives status: revoked wins over expired; expiry is inclusive of its instant', () => {
    const at = Date.UTC(2026, 0, 1);
    expect(statusOf({ revokedAt: null, expiresAt: null }, at)).toBe('active');
    expect(statusOf({ revokedAt: null, expiresAt: new Date(at) }, at)).toBe('expired');
    expect(statusOf({ revokedAt: null, expiresAt: new Date(at + 1) }, at)).toBe('active');
    expect(statusOf({ revokedAt: new Date(at), expiresAt: new Date(at - 1) }, at)).toBe('revoked');
  });
});

describe('key cache', () => {
  const entry = { kind: 'unknown' } as const;

  it('forgets an entry once its TTL has passed', () => {
    const cache = new KeyCache(5000, 10);
    cache.set('a', entry, 1000);
    expect(cache.get('a', 5999)).toBe(entry);
    expect(cache.get('a', 6000)).toBeUndefined();
  });

  it('stays within its size bound by dropping the oldest entry', () => {
    const cache = new KeyCache(5000, 3);
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, entry, 0);
    expect(cache.size).toBe(3);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('d', 1)).toBe(entry);
  });
});
