import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LIMITS } from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { clearedCookies, sessionCookies } from './cookies.ts';
import { identityErrors } from './errors.ts';
import type { IdentityService } from './identity.service.ts';
import { DISPLAY_NAME_LENGTH_MAX, PASSWORD_LENGTH_MAX, type StaffView } from './staff.ts';

const Timestamp = Type.String({ format: 'date-time' });
const StaffIdString = Type.String({ maxLength: 64, description: 'A staff id, e.g. stf_01jd8x3r5m0e9bq2c7k4n6v1wz' });
// Written out (a mapped array would lose the literal types); identity.test.ts checks they match STAFF_ROLES etc.
export const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('risk_analyst'),
  Type.Literal('loan_officer'),
  Type.Literal('compliance_officer'),
  Type.Literal('operator'),
]);
export const Locale = Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]);
export const Status = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_LENGTH_MAX * 4 });
const strict = { additionalProperties: false } as const;

export const StaffSchema = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: Role,
    status: Status,
    locale: Type.Union([Locale, Type.Null()]),
    accessible: Type.Union([Type.Boolean(), Type.Null()]),
    lockedUntil: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lastLoginAt: Type.Union([Timestamp, Type.Null()]),
  },
  { ...strict, description: 'A staff user of the console. The password hash is never returned.' },
);

const SessionSchema = Type.Object(
  {
    staff: StaffSchema,
    scopes: Type.Array(Type.String(), { description: 'What the role may do, as API scopes' }),
    expiresAt: Timestamp,
  },
  strict,
);

const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Password }, strict);

function staffJson(view: StaffView) {
  return {
    ...view,
    lockedUntil: view.lockedUntil?.toISOString() ?? null,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
    lastLoginAt: view.lastLoginAt?.toISOString() ?? null,
  };
}

const tags = ['identity'];
const admin = { scope: 'admin' } as const;

/** Secure cookies only over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto). */
const isHttps = (request: FastifyRequest) => request.protocol === 'https';

/**
 * Refuses a sign-in posted from another site: the browser's `Sec-Fetch-Site` or `Origin` must name
 * this server. (State-changing requests after sign-in are covered by the CSRF token.)
 */
function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw problem(identityErrors, 'origin_forbidden');
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== normalizedHost(request.host)) throw problem(identityErrors, 'origin_forbidden');
  } else if (origin === 'null') {
    throw problem(identityErrors, 'origin_forbidden');
  }
}

/** `example.com:80` → `example.com`, as URL parsing writes an origin's host. */
function normalizedHost(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).host;
  } catch {
    return undefined;
  }
}

function staffOf(request: FastifyRequest) {
  const staff = request.principal?.staff;
  if (staff === undefined) throw problem(identityErrors, 'session_required');
  return staff;
}

function noStore(reply: FastifyReply) {
  reply.header('cache-control', 'no-store');
}

/** `/v1/identity/*`: console sign-in, the session, preferences, and staff management for admins. */
export async function identityRoutes(fastify: FastifyInstance, service: IdentityService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Sign in (sets the session and CSRF cookies)',
        description:
          'Public. Wrong user name or password: 401 login_failed. Five wrong passwords lock the user for 15 minutes (429 login_locked); 20 failures from one address in 15 minutes throttle it (429 login_throttled).',
        body: LoginBody,
        response: { 200: Type.Object({ staff: StaffSchema, expiresAt: Timestamp }, strict) },
      },
    },
    async (request, reply) => {
      assertSameOrigin(request);
      const result = await service.login({
        username: request.body.username,
        password: request.body.password,
        address: request.ip,
      });
      if (!result.ok) {
        const retry = result.detail?.retryAfterSeconds ?? 0;
        throw problem(identityErrors, result.code, {
          ...(result.detail?.minutes === undefined ? {} : { params: { minutes: result.detail.minutes } }),
          ...(retry > 0 ? { headers: { 'retry-after': String(retry) } } : {}),
        });
      }
      const opened = result.value;
      noStore(reply);
      reply.header(
        'set-cookie',
        sessionCookies(opened.token, opened.csrfToken, service.sessionLifetimeMs / 1000, isHttps(request)),
      );
      return { staff: staffJson(opened.staff), expiresAt: opened.expiresAt.toISOString() };
    },
  );

  app.get(
    '/session',
    {
      schema: {
        tags,
        summary: 'The signed-in staff user, their scopes and when the session ends',
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const view = await service.getStaff(staff.id);
      if (!view.ok) throw problem(identityErrors, 'session_invalid');
      noStore(reply);
      return {
        staff: staffJson(view.value),
        scopes: [...(request.principal?.scopes ?? [])],
        expiresAt: staff.expiresAt,
      };
    },
  );

  app.delete(
    '/session',
    { schema: { tags, summary: 'Sign out (ends the session and clears the cookies)', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const staff = staffOf(request);
      await service.logout(staff.sessionId);
      reply.header('set-cookie', clearedCookies(isHttps(request)));
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/session/preferences',
    {
      schema: {
        tags,
        summary: 'Remember the console language and accessible mode for the signed-in user',
        body: Type.Object({ locale: Type.Optional(Locale), accessible: Type.Optional(Type.Boolean()) }, strict),
        response: { 200: StaffSchema },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const updated = await service.setPreferences(staff.id, {
        ...(request.body.locale === undefined ? {} : { locale: request.body.locale }),
        ...(request.body.accessible === undefined ? {} : { accessible: request.body.accessible }),
      });
      if (!updated.ok) throw problem(identityErrors, updated.code);
      return staffJson(updated.value);
    },
  );

  app.post(
    '/session/password',
    {
      schema: {
        tags,
        summary: "Change the signed-in user's password (their other sessions end)",
        body: Type.Object({ currentPassword: Password, newPassword: Password }, strict),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const changed = await service.changePassword(
        staff.id,
        staff.sessionId,
        request.body.currentPassword,
        request.body.newPassword,
      );
      if (!changed.ok) throw problem(identityErrors, changed.code);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/staff',
    {
      config: admin,
      schema: {
        tags,
        summary: 'List staff users in creation order',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 64 })),
          },
          strict,
        ),
        response: {
          200: Type.Object(
            { items: Type.Array(StaffSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) },
            strict,
          ),
        },
      },
    },
    async (request) => {
      const page = await service.listStaff({
        ...(request.query.limit === undefined ? {} : { limit: request.query.limit }),
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }),
      });
      if (!page.ok) throw problem(identityErrors, page.code);
      return { items: page.value.items.map(staffJson), nextCursor: page.value.nextCursor };
    },
  );

  app.post(
    '/staff',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Create a staff user',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            displayName: Type.String({ minLength: 1, maxLength: DISPLAY_NAME_LENGTH_MAX * 2 }),
            role: Role,
            password: Password,
          },
          strict,
        ),
        response: { 201: StaffSchema },
      },
    },
    async (request, reply) => {
      const created = await service.createStaff(request.body, actorOf(request));
      if (!created.ok) throw problem(identityErrors, created.code);
      return reply.code(201).send(staffJson(created.value));
    },
  );

  app.get(
    '/staff/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'One staff user',
        params: Type.Object({ id: StaffIdString }, strict),
        response: { 200: StaffSchema },
      },
    },
    async (request) => {
      const found = await service.getStaff(request.params.id);
      if (!found.ok) throw problem(identityErrors, found.code);
      return staffJson(found.value);
    },
  );

  app.patch(
    '/staff/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change a staff user: name, role, status, password, or lift a sign-in lock',
        description:
          "Disabling, a new role or a new password ends the user's sessions. The last active admin can be neither disabled nor demoted (409 staff_last_admin).",
        params: Type.Object({ id: StaffIdString }, strict),
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: DISPLAY_NAME_LENGTH_MAX * 2 })),
            role: Type.Optional(Role),
            status: Type.Optional(Status),
            password: Type.Optional(Password),
            unlock: Type.Optional(Type.Boolean()),
          },
          strict,
        ),
        response: { 200: StaffSchema },
      },
    },
    async (request) => {
      const updated = await service.updateStaff(request.params.id, request.body, actorOf(request));
      if (!updated.ok) throw problem(identityErrors, updated.code);
      return staffJson(updated.value);
    },
  );
}

/** Who made a change, for the audit events: a staff id or an API key id. */
function actorOf(request: FastifyRequest): string | null {
  return request.principal?.staff?.id ?? request.principal?.keyId ?? null;
}
