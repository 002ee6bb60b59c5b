import { type Kysely, sql, type Transaction } from 'kysely';

/** SQL for the `identity` schema. Nothing outside this package reads or writes its tables. */
export interface StaffRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  status: string;
  password_hash: string;
  locale: string | null;
  accessible: boolean | null;
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  updated_at: Date;
  password_changed_at: Date;
  last_login_at: Date | null;
}

export interface SessionRow {
  id: string;
  token_sha256: Uint8Array;
  csrf_sha256: Uint8Array;
  staff_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
}

export interface IdentityTables {
  'identity.staff': StaffRow;
  'identity.sessions': SessionRow;
}

export type IdentityDb = Kysely<IdentityTables>;
export type IdentityTrx = Transaction<IdentityTables>;

export type EndReason = 'logout' | 'disabled' | 'password_changed' | 'role_changed';

/** Serialises changes that must see every admin (last-admin rule, bootstrap) across processes. */
export async function lockAdmins(trx: IdentityTrx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('zhirong.identity.admins'))`.execute(trx);
}

export async function insertStaff(trx: IdentityTrx, row: StaffRow): Promise<boolean> {
  const inserted = await trx
    .insertInto('identity.staff')
    .values(row)
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findStaffById(db: IdentityDb | IdentityTrx, id: string, forUpdate = false) {
  let query = db.selectFrom('identity.staff').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findStaffByUsername(db: IdentityDb | IdentityTrx, username: string, forUpdate = false) {
  let query = db.selectFrom('identity.staff').selectAll().where('username', '=', username);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listStaff(db: IdentityDb, options: { afterId?: string; limit: number }): Promise<StaffRow[]> {
  let query = db.selectFrom('identity.staff').selectAll().orderBy('id').limit(options.limit);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  return query.execute();
}

export async function anyStaffExists(trx: IdentityTrx): Promise<boolean> {
  return (await trx.selectFrom('identity.staff').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function countOtherActiveAdmins(trx: IdentityTrx, exceptId: string): Promise<number> {
  const row = await trx
    .selectFrom('identity.staff')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('id', '!=', exceptId)
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateStaff(trx: IdentityTrx, id: string, changes: Partial<StaffRow>): Promise<void> {
  await trx.updateTable('identity.staff').set(changes).where('id', '=', id).execute();
}

export async function insertSession(trx: IdentityTrx, row: SessionRow): Promise<void> {
  await trx.insertInto('identity.sessions').values(row).execute();
}

export interface SessionWithStaff {
  session: SessionRow;
  staff: StaffRow;
}

/** The session with this token digest and its staff user, in one read. */
export async function findSession(db: IdentityDb, tokenSha256: Uint8Array): Promise<SessionWithStaff | undefined> {
  const result = await sql<SessionRow & { [K in keyof StaffRow as `staff_${K}`]: StaffRow[K] }>`
    select s.*, st.id as staff_id, st.username as staff_username, st.display_name as staff_display_name,
           st.role as staff_role, st.status as staff_status, st.password_hash as staff_password_hash,
           st.locale as staff_locale, st.accessible as staff_accessible, st.failed_logins as staff_failed_logins,
           st.locked_until as staff_locked_until, st.created_at as staff_created_at, st.updated_at as staff_updated_at,
           st.password_changed_at as staff_password_changed_at, st.last_login_at as staff_last_login_at
    from identity.sessions s join identity.staff st on st.id = s.staff_id
    where s.token_sha256 = ${Buffer.from(tokenSha256)}`.execute(db);
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return {
    session: {
      id: row.id,
      token_sha256: row.token_sha256,
      csrf_sha256: row.csrf_sha256,
      staff_id: row.staff_id,
      created_at: new Date(row.created_at),
      last_seen_at: new Date(row.last_seen_at),
      expires_at: new Date(row.expires_at),
      ended_at: row.ended_at === null ? null : new Date(row.ended_at),
      end_reason: row.end_reason,
    },
    staff: {
      id: row.staff_id,
      username: row.staff_username,
      display_name: row.staff_display_name,
      role: row.staff_role,
      status: row.staff_status,
      password_hash: row.staff_password_hash,
      locale: row.staff_locale,
      accessible: row.staff_accessible,
      failed_logins: row.staff_failed_logins,
      locked_until: row.staff_locked_until === null ? null : new Date(row.staff_locked_until),
      created_at: new Date(row.staff_created_at),
      updated_at: new Date(row.staff_updated_at),
      password_changed_at: new Date(row.staff_password_changed_at),
      last_login_at: row.staff_last_login_at === null ? null : new Date(row.staff_last_login_at),
    },
  };
}

export async function touchSession(db: IdentityDb, id: string, at: Date): Promise<void> {
  await db.updateTable('identity.sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function endSession(db: IdentityDb | IdentityTrx, id: string, at: Date, reason: EndReason) {
  const ended = await db
    .updateTable('identity.sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return ended !== undefined;
}

/** Ends every open session of a staff user; returns how many. */
export async function endSessionsOf(trx: IdentityTrx, staffId: string, at: Date, reason: EndReason): Promise<number> {
  const ended = await trx
    .updateTable('identity.sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('staff_id', '=', staffId)
    .where('ended_at', 'is', null)
    .returning('id')
    .execute();
  return ended.length;
}

/** Deletes sessions that ended or expired before `before`, at most `limit`; returns how many. */
export async function deleteOldSessions(db: IdentityDb, before: Date, limit: number): Promise<number> {
  const result = await sql<{ id: string }>`
    delete from identity.sessions where id in (
      select id from identity.sessions
      where expires_at < ${before.toISOString()}::timestamptz or ended_at < ${before.toISOString()}::timestamptz
      limit ${limit})
    returning id`.execute(db);
  return result.rows.length;
}
