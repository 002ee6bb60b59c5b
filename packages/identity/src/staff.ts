import { createHash, timingSafeEqual } from 'node:crypto';
import type { PrefixedId, Rng } from '@zhirong/kernel';

/** Staff users of the console: who they are, what role they hold, and what each role may do. */
export const STAFF_ID_PREFIX = 'stf';
export type StaffId = PrefixedId<typeof STAFF_ID_PREFIX>;

export const STAFF_ROLES = ['admin', 'risk_analyst', 'loan_officer', 'compliance_officer', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const STAFF_STATUSES = ['active', 'disabled'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * What each role may do, as API-key scope patterns: `ledger:read` names one scope, `risk:*` every
 * scope of a domain. Patterns are expanded against the scopes the running modules declare, so when
 * a domain lands (say `payments:read`, `payments:write`) the roles that name it gain its scopes
 * without a change here; a pattern naming a domain that is not installed grants nothing.
 * `admin` implies every scope (as for API keys).
 */
export const ROLE_SCOPE_PATTERNS: Readonly<Record<StaffRole, readonly string[]>> = Object.freeze({
  admin: ['admin'],
  operator: ['ledger:*', 'payments:*', 'webhooks:*', 'iso20022:*', 'simulator:*'],
  risk_analyst: ['ledger:read', 'payments:read', 'risk:*', 'ml:*', 'chain:read'],
  loan_officer: ['ledger:read', 'payments:read', 'credit:*', 'chain:read'],
  compliance_officer: ['ledger:read', 'payments:read', 'risk:read', 'credit:read', 'aml:*', 'chain:*'],
});

/** The scopes a role holds among `known` (every scope the running modules declare), sorted. */
export function scopesForRole(role: StaffRole, known: Iterable<string>): string[] {
  const patterns = ROLE_SCOPE_PATTERNS[role];
  const out = new Set<string>();
  for (const scope of known) {
    for (const pattern of patterns) {
      if (pattern === scope || (pattern.endsWith(':*') && scope.startsWith(pattern.slice(0, -1)))) out.add(scope);
    }
  }
  return [...out].sort();
}

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const NAME_FORBIDDEN = /\p{Cc}/u;
export const PASSWORD_LENGTH_MIN = 12;
export const PASSWORD_LENGTH_MAX = 256;
export const DISPLAY_NAME_LENGTH_MAX = 100;

/** User names are case-insensitive: stored lower-case, trimmed. Undefined when not acceptable. */
export function normalizeUsername(value: string): string | undefined {
  const username = value.trim().toLowerCase();
  return USERNAME.test(username) ? username : undefined;
}

export function normalizeDisplayName(value: string): string | undefined {
  const name = value.trim();
  if (name.length < 1 || name.length > DISPLAY_NAME_LENGTH_MAX || NAME_FORBIDDEN.test(name)) return undefined;
  return name;
}

/**
 * The password rule: 12–256 characters (code points) and not containing the user name. Length
 * beats composition rules (NIST SP 800-63B); the upper bound caps argon2's input.
 */
export function passwordAcceptable(password: string, username: string): boolean {
  const length = [...password].length;
  if (length < PASSWORD_LENGTH_MIN || length > PASSWORD_LENGTH_MAX) return false;
  return !password.toLowerCase().includes(username.toLowerCase());
}

/** Session tokens: `zrs_` + 32 random bytes in base64url. Only their SHA-256 is stored. */
export const SESSION_TOKEN_PREFIX = 'zrs_';
const SESSION_TOKEN = /^zrs_[A-Za-z0-9_-]{43}$/;
const CSRF_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(rng: Rng): string {
  return Buffer.from(rng.bytes(32)).toString('base64url');
}

export function isSessionToken(value: string): boolean {
  return SESSION_TOKEN.test(value);
}

export function isCsrfToken(value: string): boolean {
  return CSRF_TOKEN.test(value);
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A generated password for the bootstrap admin: 24 characters from a 57-symbol alphabet (~140 bits). */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export function generatePassword(rng: Rng, length = 24): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[rng.int(PASSWORD_ALPHABET.length)];
  return out;
}

/** A staff user as the API shows it: never the password hash. */
export interface StaffView {
  readonly id: StaffId;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly status: StaffStatus;
  readonly locale: Locale | null;
  readonly accessible: boolean | null;
  readonly lockedUntil: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastLoginAt: Date | null;
}
