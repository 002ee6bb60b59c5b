import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inTransaction, isUniqueViolation } from '@zhirong/db';
import { assert, err, formatId, LIMITS, ok, parseId, type Result } from '@zhirong/kernel';
import type { ModuleContext } from '@zhirong/platform';
import * as repo from './identity.repository.ts';
import { LoginThrottle } from './login-throttle.ts';
import { ARGON2_OPTIONS, hashPassword, type PasswordCost, verifyPassword } from './password.ts';
import {
  digestsEqual,
  generatePassword,
  isCsrfToken,
  isSessionToken,
  type Locale,
  newToken,
  normalizeDisplayName,
  normalizeUsername,
  passwordAcceptable,
  SESSION_TOKEN_PREFIX,
  STAFF_ID_PREFIX,
  type StaffId,
  type StaffRole,
  type StaffStatus,
  type StaffView,
  sha256,
} from './staff.ts';

/** The file the bootstrap admin's password is written to, inside the data directory. */
export const ADMIN_PASSWORD_FILE = 'admin-password';
export const BOOTSTRAP_ADMIN_USERNAME = 'admin';
export const SESSION_ID_PREFIX = 'ses';

export interface IdentityOptions {
  /** A session ends after this long without a request. Default 30 minutes. */
  readonly sessionIdleMs?: number;
  /** A session ends this long after sign-in, however active. Default 12 hours. */
  readonly sessionLifetimeMs?: number;
  /** Consecutive wrong passwords that lock a user. Default 5. */
  readonly lockoutFailures?: number;
  /** How long a locked user stays locked. Default 15 minutes. */
  readonly lockoutMs?: number;
  /** Failed sign-ins allowed per client address in `addressWindowMs`. Default 20 in 15 minutes. */
  readonly addressFailuresMax?: number;
  readonly addressWindowMs?: number;
  /**
   * Sign-ins checking a password at once, at most (each argon2 check holds 19 MiB and a thread-pool
   * thread for ~50 ms). More are refused with `login_throttled` rather than queued, so a flood of
   * sign-ins cannot exhaust memory or starve the thread pool. Default 8.
   */
  readonly loginsInFlightMax?: number;
  /** The argon2id cost of new password hashes. Default ARGON2_OPTIONS (19 MiB, 2 passes); tests lower it. */
  readonly passwordCost?: PasswordCost;
}

const DEFAULTS = {
  sessionIdleMs: 30 * 60_000,
  sessionLifetimeMs: 12 * 3_600_000,
  lockoutFailures: 5,
  lockoutMs: 15 * 60_000,
  addressFailuresMax: 20,
  addressWindowMs: 15 * 60_000,
  passwordCost: ARGON2_OPTIONS,
  loginsInFlightMax: 8,
} as const;

/** `last_seen_at` is written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export type IdentityDeps = Pick<ModuleContext, 'db' | 'clock' | 'rng' | 'ids' | 'outbox' | 'eventsCommitted'>;

export type LoginError = 'login_failed' | 'login_locked' | 'login_throttled';

export interface OpenedSession {
  /** The session cookie's value. Returned once; only its SHA-256 is stored. */
  readonly token: string;
  /** The CSRF token of the session, sent back in `X-CSRF-Token` on every state-changing request. */
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly staff: StaffView;
}

/** A verified session, as the HTTP edge needs it. */
export interface StaffSession {
  readonly sessionId: string;
  readonly staff: StaffView;
  readonly csrfSha256: Uint8Array;
  /** The earlier of the absolute expiry and the idle expiry. */
  readonly expiresAt: Date;
}

export interface CreateStaffInput {
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly password: string;
}

export interface UpdateStaffInput {
  readonly displayName?: string;
  readonly role?: StaffRole;
  readonly status?: StaffStatus;
  /** A new password set by an administrator; ends the user's sessions and lifts a lock. */
  readonly password?: string;
  /** Lifts a sign-in lock without changing the password. */
  readonly unlock?: boolean;
}

export type CreateStaffError =
  | 'staff_username_invalid'
  | 'staff_display_name_invalid'
  | 'password_too_weak'
  | 'staff_username_taken';
export type UpdateStaffError =
  | 'staff_not_found'
  | 'staff_display_name_invalid'
  | 'password_too_weak'
  | 'staff_last_admin';

export interface StaffPage {
  readonly items: readonly StaffView[];
  readonly nextCursor: string | null;
}

/**
 * Staff users, their passwords (argon2id) and their console sessions (server-side, hashed tokens),
 * sign-in throttling and lockout, and the first admin of a new installation.
 */
export class IdentityService {
  readonly #deps: IdentityDeps;
  readonly #db: repo.IdentityDb;
  readonly #options: Required<IdentityOptions>;
  readonly #throttle: LoginThrottle;
  #loginsInFlight = 0;
  /** A hash of a random password: unknown user names are checked against it so they take as long as known ones. */
  #dummyHash: Promise<string> | undefined;

  constructor(deps: IdentityDeps, options: IdentityOptions = {}) {
    this.#deps = deps;
    this.#db = deps.db.kysely as repo.IdentityDb;
    this.#options = { ...DEFAULTS, ...options };
    this.#throttle = new LoginThrottle(this.#options.addressWindowMs, this.#options.addressFailuresMax);
  }

  get sessionIdleMs(): number {
    return this.#options.sessionIdleMs;
  }

  get sessionLifetimeMs(): number {
    return this.#options.sessionLifetimeMs;
  }

  // ------------------------------------------------------------ sign-in and sessions

  /**
   * Checks a user name and password and opens a session. Every wrong answer is `login_failed`
   * (unknown user, disabled user, wrong password alike, in about the same time), except that a
   * locked user is `login_locked` and a throttled address `login_throttled`, both with the wait.
   */
  async login(input: {
    username: string;
    password: string;
    address: string;
  }): Promise<Result<OpenedSession, LoginError, { retryAfterSeconds: number; minutes?: number }>> {
    const { clock } = this.#deps;
    const nowMs = clock.nowMs();
    const throttledMs = this.#throttle.retryAfterMs(input.address, nowMs);
    if (throttledMs > 0) return err('login_throttled', { retryAfterSeconds: Math.ceil(throttledMs / 1000) });
    if (this.#loginsInFlight >= this.#options.loginsInFlightMax)
      return err('login_throttled', { retryAfterSeconds: 1 });
    this.#loginsInFlight += 1;
    try {
      return await this.#login(input, nowMs);
    } finally {
      this.#loginsInFlight -= 1;
    }
  }

  async #login(
    input: { username: string; password: string; address: string },
    nowMs: number,
  ): Promise<Result<OpenedSession, LoginError, { retryAfterSeconds: number; minutes?: number }>> {
    const { clock } = this.#deps;
    const username = normalizeUsername(input.username);
    const row = username === undefined ? undefined : await repo.findStaffByUsername(this.#db, username);
    if (row?.locked_until && row.locked_until.getTime() > nowMs) {
      const waitMs = row.locked_until.getTime() - nowMs;
      return err('login_locked', {
        retryAfterSeconds: Math.ceil(waitMs / 1000),
        minutes: Math.ceil(this.#options.lockoutMs / 60_000),
      });
    }
    const passwordOk =
      row === undefined
        ? await verifyPassword(await this.#dummy(), input.password).then(() => false)
        : await verifyPassword(row.password_hash, input.password);
    if (row === undefined || !passwordOk || row.status !== 'active') {
      this.#throttle.recordFailure(input.address, nowMs);
      if (row !== undefined && !passwordOk) await this.#recordWrongPassword(row.id);
      return err('login_failed', { retryAfterSeconds: 0 });
    }
    const opened = await inTransaction(this.#db, async (trx) => {
      const current = await repo.findStaffById(trx, row.id, true);
      // Disabled, locked or given a new password while the hash was being checked.
      if (
        current === undefined ||
        current.status !== 'active' ||
        current.password_hash !== row.password_hash ||
        (current.locked_until !== null && current.locked_until.getTime() > clock.nowMs())
      ) {
        return undefined;
      }
      const now = clock.now();
      await repo.updateStaff(trx, row.id, { failed_logins: 0, locked_until: null, last_login_at: now });
      const token = `${SESSION_TOKEN_PREFIX}${newToken(this.#deps.rng)}`;
      const csrfToken = newToken(this.#deps.rng);
      const sessionUuid = this.#deps.ids.uuid();
      const expiresAt = new Date(now.getTime() + this.#options.sessionLifetimeMs);
      await repo.insertSession(trx, {
        id: sessionUuid,
        token_sha256: sha256(token),
        csrf_sha256: sha256(csrfToken),
        staff_id: row.id,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ended_at: null,
        end_reason: null,
      });
      await this.#deps.outbox.enqueue(trx, [
        {
          topic: 'identity.session.opened',
          key: staffIdOf(row.id),
          payload: { sessionId: formatId(SESSION_ID_PREFIX, sessionUuid), staffId: staffIdOf(row.id) },
        },
      ]);
      return {
        token,
        csrfToken,
        expiresAt: new Date(Math.min(expiresAt.getTime(), now.getTime() + this.#options.sessionIdleMs)),
        staff: staffView({ ...current, failed_logins: 0, locked_until: null, last_login_at: now }),
      };
    });
    if (opened === undefined) {
      this.#throttle.recordFailure(input.address, nowMs);
      return err('login_failed', { retryAfterSeconds: 0 });
    }
    this.#deps.eventsCommitted();
    this.#throttle.recordSuccess(input.address);
    return ok(opened);
  }

  /** Resolves a session cookie's token: unknown, ended, expired, idle or disabled-user sessions are `session_invalid`. */
  async verifySession(token: string): Promise<Result<StaffSession, 'session_invalid'>> {
    if (!isSessionToken(token)) return err('session_invalid');
    const found = await repo.findSession(this.#db, sha256(token));
    if (found === undefined) return err('session_invalid');
    const { session, staff } = found;
    const now = this.#deps.clock.now();
    const nowMs = now.getTime();
    const idleEndMs = session.last_seen_at.getTime() + this.#options.sessionIdleMs;
    if (
      session.ended_at !== null ||
      session.expires_at.getTime() <= nowMs ||
      idleEndMs <= nowMs ||
      staff.status !== 'active'
    ) {
      return err('session_invalid');
    }
    let lastSeenMs = session.last_seen_at.getTime();
    if (nowMs - lastSeenMs >= TOUCH_INTERVAL_MS) {
      await repo.touchSession(this.#db, session.id, now);
      lastSeenMs = nowMs;
    }
    return ok({
      sessionId: formatId(SESSION_ID_PREFIX, session.id),
      staff: staffView(staff),
      csrfSha256: session.csrf_sha256,
      expiresAt: new Date(Math.min(session.expires_at.getTime(), lastSeenMs + this.#options.sessionIdleMs)),
    });
  }

  /** True when `presented` is the session's CSRF token (compared by digest, in constant time). */
  checkCsrf(session: Pick<StaffSession, 'csrfSha256'>, presented: string | undefined): boolean {
    if (presented === undefined || !isCsrfToken(presented)) return false;
    return digestsEqual(sha256(presented), session.csrfSha256);
  }

  /** Ends a session (idempotent). */
  async logout(sessionId: string): Promise<void> {
    const uuid = parseId(SESSION_ID_PREFIX, sessionId);
    if (!uuid.ok) return;
    await repo.endSession(this.#db, uuid.value, this.#deps.clock.now(), 'logout');
  }

  /** Stores the user's console preferences (language, accessible mode). */
  async setPreferences(
    staffId: string,
    preferences: { locale?: Locale; accessible?: boolean },
  ): Promise<Result<StaffView, 'staff_not_found'>> {
    const uuid = parseId(STAFF_ID_PREFIX, staffId);
    if (!uuid.ok) return err('staff_not_found');
    return inTransaction(this.#db, async (trx) => {
      const row = await repo.findStaffById(trx, uuid.value, true);
      if (row === undefined) return err('staff_not_found');
      const changes = {
        ...(preferences.locale === undefined ? {} : { locale: preferences.locale }),
        ...(preferences.accessible === undefined ? {} : { accessible: preferences.accessible }),
      };
      if (Object.keys(changes).length > 0) await repo.updateStaff(trx, row.id, changes);
      return ok(staffView({ ...row, ...changes }));
    });
  }

  /** A user changes their own password: the current one must be right; their other sessions end. */
  async changePassword(
    staffId: string,
    keepSessionId: string,
    current: string,
    next: string,
  ): Promise<Result<StaffView, 'staff_not_found' | 'password_wrong' | 'password_too_weak'>> {
    const uuid = parseId(STAFF_ID_PREFIX, staffId);
    if (!uuid.ok) return err('staff_not_found');
    const row = await repo.findStaffById(this.#db, uuid.value);
    if (row === undefined) return err('staff_not_found');
    if (!(await verifyPassword(row.password_hash, current))) return err('password_wrong');
    if (!passwordAcceptable(next, row.username)) return err('password_too_weak');
    const passwordHash = await hashPassword(next, this.#options.passwordCost);
    const keep = parseId(SESSION_ID_PREFIX, keepSessionId);
    const result = await inTransaction(this.#db, async (trx) => {
      const locked = await repo.findStaffById(trx, uuid.value, true);
      if (locked === undefined) return err('staff_not_found' as const);
      const now = this.#deps.clock.now();
      const changes = { password_hash: passwordHash, password_changed_at: now, updated_at: now };
      await repo.updateStaff(trx, locked.id, changes);
      await trx
        .updateTable('identity.sessions')
        .set({ ended_at: now, end_reason: 'password_changed' })
        .where('staff_id', '=', locked.id)
        .where('ended_at', 'is', null)
        .where('id', '!=', keep.ok ? keep.value : locked.id)
        .execute();
      await this.#event(trx, 'identity.staff.updated', locked.id, { fields: ['password'], by: staffIdOf(locked.id) });
      return ok(staffView({ ...locked, ...changes }));
    });
    this.#deps.eventsCommitted();
    return result;
  }

  // ------------------------------------------------------------ staff management (admins)

  async createStaff(input: CreateStaffInput, by: string | null = null): Promise<Result<StaffView, CreateStaffError>> {
    const username = normalizeUsername(input.username);
    if (username === undefined) return err('staff_username_invalid');
    const displayName = normalizeDisplayName(input.displayName);
    if (displayName === undefined) return err('staff_display_name_invalid');
    if (!passwordAcceptable(input.password, username)) return err('password_too_weak');
    const passwordHash = await hashPassword(input.password, this.#options.passwordCost);
    try {
      const created = await inTransaction(this.#db, (trx) =>
        this.#insertStaff(trx, { username, displayName, role: input.role, passwordHash }, by),
      );
      this.#deps.eventsCommitted();
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) return err('staff_username_taken');
      throw error;
    }
  }

  async getStaff(staffId: string): Promise<Result<StaffView, 'staff_not_found'>> {
    const uuid = parseId(STAFF_ID_PREFIX, staffId);
    if (!uuid.ok) return err('staff_not_found');
    const row = await repo.findStaffById(this.#db, uuid.value);
    return row === undefined ? err('staff_not_found') : ok(staffView(row));
  }

  /** Staff users in creation order, `limit` (≤ 500) at a time. */
  async listStaff(page: { limit?: number; cursor?: string } = {}): Promise<Result<StaffPage, 'staff_cursor_invalid'>> {
    const limit = Math.min(Math.max(1, Math.trunc(page.limit ?? LIMITS.pageSizeDefault)), LIMITS.pageSizeMax);
    let afterId: string | undefined;
    if (page.cursor !== undefined) {
      const parsed = parseId(STAFF_ID_PREFIX, page.cursor);
      if (!parsed.ok) return err('staff_cursor_invalid');
      afterId = parsed.value;
    }
    const rows = await repo.listStaff(this.#db, { limit: limit + 1, ...(afterId === undefined ? {} : { afterId }) });
    const items = rows.slice(0, limit).map(staffView);
    const last = items.at(-1);
    return ok({ items, nextCursor: rows.length > limit && last !== undefined ? last.id : null });
  }

  /**
   * Changes a staff user. Disabling, a new password or a new role ends the user's sessions (a
   * role change would take effect anyway — the role is read on every request — but ending them
   * makes the change visible at once). The last active admin can be neither disabled nor demoted.
   */
  async updateStaff(
    staffId: string,
    input: UpdateStaffInput,
    by: string | null = null,
  ): Promise<Result<StaffView, UpdateStaffError>> {
    const uuid = parseId(STAFF_ID_PREFIX, staffId);
    if (!uuid.ok) return err('staff_not_found');
    let displayName: string | undefined;
    if (input.displayName !== undefined) {
      displayName = normalizeDisplayName(input.displayName);
      if (displayName === undefined) return err('staff_display_name_invalid');
    }
    let passwordHash: string | undefined;
    if (input.password !== undefined) {
      const row = await repo.findStaffById(this.#db, uuid.value);
      if (row === undefined) return err('staff_not_found');
      if (!passwordAcceptable(input.password, row.username)) return err('password_too_weak');
      passwordHash = await hashPassword(input.password, this.#options.passwordCost);
    }
    const result = await inTransaction(this.#db, async (trx): Promise<Result<StaffView, UpdateStaffError>> => {
      await repo.lockAdmins(trx);
      const row = await repo.findStaffById(trx, uuid.value, true);
      if (row === undefined) return err('staff_not_found');
      const now = this.#deps.clock.now();
      const losesAdmin =
        row.role === 'admin' &&
        row.status === 'active' &&
        ((input.role !== undefined && input.role !== 'admin') || input.status === 'disabled');
      if (losesAdmin && (await repo.countOtherActiveAdmins(trx, row.id)) === 0) return err('staff_last_admin');
      const changes: Partial<repo.StaffRow> = {};
      const fields: string[] = [];
      if (displayName !== undefined && displayName !== row.display_name) {
        changes.display_name = displayName;
        fields.push('displayName');
      }
      if (input.role !== undefined && input.role !== row.role) {
        changes.role = input.role;
        fields.push('role');
      }
      if (input.status !== undefined && input.status !== row.status) {
        changes.status = input.status;
        fields.push('status');
      }
      if (passwordHash !== undefined) {
        changes.password_hash = passwordHash;
        changes.password_changed_at = now;
        fields.push('password');
      }
      if (passwordHash !== undefined || input.unlock === true) {
        changes.failed_logins = 0;
        changes.locked_until = null;
        if (input.unlock === true) fields.push('unlock');
      }
      if (fields.length === 0) return ok(staffView(row));
      changes.updated_at = now;
      await repo.updateStaff(trx, row.id, changes);
      const reason: repo.EndReason | undefined =
        changes.status === 'disabled'
          ? 'disabled'
          : passwordHash !== undefined
            ? 'password_changed'
            : changes.role !== undefined
              ? 'role_changed'
              : undefined;
      if (reason !== undefined) await repo.endSessionsOf(trx, row.id, now, reason);
      await this.#event(trx, 'identity.staff.updated', row.id, { fields, by });
      return ok(staffView({ ...row, ...changes }));
    });
    if (result.ok) this.#deps.eventsCommitted();
    return result;
  }

  /**
   * On the very first start (no staff user at all) creates the admin `admin` with a generated
   * password, writes the password to `<dataDir>/admin-password` (mode 0600) and returns it so the
   * caller can show it once. Otherwise returns undefined. Concurrent first starts create one admin.
   */
  async ensureBootstrapAdmin(dataDir: string): Promise<string | undefined> {
    // The common case (staff exist) costs one read, not an argon2 hash.
    if ((await repo.listStaff(this.#db, { limit: 1 })).length > 0) return undefined;
    const password = generatePassword(this.#deps.rng);
    const passwordHash = await hashPassword(password, this.#options.passwordCost);
    const created = await inTransaction(this.#db, async (trx) => {
      await repo.lockAdmins(trx);
      if (await repo.anyStaffExists(trx)) return undefined;
      const inserted = await this.#insertStaff(
        trx,
        { username: BOOTSTRAP_ADMIN_USERNAME, displayName: 'Administrator 管理员', role: 'admin', passwordHash },
        null,
      );
      assert(inserted.ok, 'the bootstrap admin is always created');
      // Written before the commit: a failed write creates nobody.
      writeSecretFile(join(dataDir, ADMIN_PASSWORD_FILE), `${password}\n`);
      return password;
    });
    if (created !== undefined) this.#deps.eventsCommitted();
    return created;
  }

  /**
   * Recovery from the command line (`zhirong staff reset-password <username>`): gives the user a
   * generated password, lifts a lock, re-enables a disabled user, ends their sessions, and returns
   * the password to be shown once. For when the only admin has lost theirs.
   */
  async resetPassword(
    username: string,
    by: string | null = null,
  ): Promise<Result<{ staff: StaffView; password: string }, 'staff_not_found'>> {
    const normalized = normalizeUsername(username);
    const row = normalized === undefined ? undefined : await repo.findStaffByUsername(this.#db, normalized);
    if (row === undefined) return err('staff_not_found');
    const password = generatePassword(this.#deps.rng);
    const updated = await this.updateStaff(staffIdOf(row.id), { password, status: 'active' }, by);
    if (!updated.ok) return err('staff_not_found');
    return ok({ staff: updated.value, password });
  }

  /** Deletes sessions that ended or expired more than a day ago (bounded batch); returns how many. */
  async sweepSessions(limit = 1000): Promise<number> {
    return repo.deleteOldSessions(this.#db, new Date(this.#deps.clock.nowMs() - 86_400_000), limit);
  }

  async #insertStaff(
    trx: repo.IdentityTrx,
    input: { username: string; displayName: string; role: StaffRole; passwordHash: string },
    by: string | null,
  ): Promise<Result<StaffView, 'staff_username_taken'>> {
    const now = this.#deps.clock.now();
    const row: repo.StaffRow = {
      id: this.#deps.ids.uuid(),
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      status: 'active',
      password_hash: input.passwordHash,
      locale: null,
      accessible: null,
      failed_logins: 0,
      locked_until: null,
      created_at: now,
      updated_at: now,
      password_changed_at: now,
      last_login_at: null,
    };
    if (!(await repo.insertStaff(trx, row))) return err('staff_username_taken');
    await this.#event(trx, 'identity.staff.created', row.id, { username: row.username, role: row.role, by });
    return ok(staffView(row));
  }

  async #recordWrongPassword(uuid: string): Promise<void> {
    const locked = await inTransaction(this.#db, async (trx) => {
      const row = await repo.findStaffById(trx, uuid, true);
      if (row === undefined) return false;
      const failures = row.failed_logins + 1;
      if (failures < this.#options.lockoutFailures) {
        await repo.updateStaff(trx, uuid, { failed_logins: failures });
        return false;
      }
      const until = new Date(this.#deps.clock.nowMs() + this.#options.lockoutMs);
      await repo.updateStaff(trx, uuid, { failed_logins: 0, locked_until: until });
      await this.#event(trx, 'identity.staff.locked', uuid, { until: until.toISOString() });
      return true;
    });
    if (locked) this.#deps.eventsCommitted();
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(newToken(this.#deps.rng), this.#options.passwordCost);
    return this.#dummyHash;
  }

  async #event(trx: repo.IdentityTrx, topic: string, uuid: string, payload: Record<string, unknown>): Promise<void> {
    await this.#deps.outbox.enqueue(trx, [
      { topic, key: staffIdOf(uuid), payload: { staffId: staffIdOf(uuid), ...payload } },
    ]);
  }
}

export function staffIdOf(uuid: string): StaffId {
  return formatId(STAFF_ID_PREFIX, uuid) as StaffId;
}

function staffView(row: repo.StaffRow): StaffView {
  return {
    id: staffIdOf(row.id),
    username: row.username,
    displayName: row.display_name,
    role: row.role as StaffRole,
    status: row.status as StaffStatus,
    locale: row.locale as Locale | null,
    accessible: row.accessible,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
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
