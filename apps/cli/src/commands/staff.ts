import {
  generatePassword,
  IDENTITY_MODULE_NAME,
  type IdentityService,
  identityErrors,
  isStaffRole,
  STAFF_ROLES,
  type StaffView,
} from '@zhirong/identity';
import { messageFor } from '@zhirong/kernel';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

function explain(code: string): string {
  const def = (identityErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  const zh = (process.env.LANG ?? '').toLowerCase().startsWith('zh');
  return def ? `${code}: ${messageFor(def, zh ? 'zh-CN' : 'en', {})}` : code;
}

function staffJson(s: StaffView) {
  return {
    ...s,
    lockedUntil: s.lockedUntil?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    lastLoginAt: s.lastLoginAt?.toISOString() ?? null,
  };
}

/** `zhirong staff …`: console users from the command line — above all, recovering a lost admin password. */
export function registerStaffCommands(program: Command): void {
  const staff = program.command('staff').description('Console staff users: list, add, reset a password');

  staff
    .command('list')
    .description('List staff users')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const items = await withPlatform(configFromEnv(), async (platform) => {
        const page = await platform.service<IdentityService>(IDENTITY_MODULE_NAME).listStaff({ limit: 500 });
        if (!page.ok) fail(explain(page.code));
        return page.value.items;
      });
      if (opts.json) return printJson({ items: items.map(staffJson) });
      for (const s of items) {
        console.log(
          `${s.username.padEnd(24)} ${s.role.padEnd(20)} ${s.status}${s.lockedUntil ? '  (locked)' : ''}  ${s.displayName}`,
        );
      }
    });

  staff
    .command('add')
    .description('Add a staff user with a generated password, shown once')
    .requiredOption('--username <name>', 'user name (3–64 of a-z 0-9 . _ -)')
    .requiredOption('--role <role>', STAFF_ROLES.join(' | '))
    .option('--name <display name>', 'name shown in the console (default: the user name)')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const role = String(opts.role);
      if (!isStaffRole(role)) fail(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      const created = await withPlatform(configFromEnv(), async (platform) => {
        const identity = platform.service<IdentityService>(IDENTITY_MODULE_NAME);
        const password = generatePassword(platform.context.rng);
        const made = await identity.createStaff({
          username: String(opts.username),
          displayName: String(opts.name ?? opts.username),
          role,
          password,
        });
        if (!made.ok) fail(explain(made.code));
        return { staff: made.value, password };
      });
      if (opts.json) return printJson({ staff: staffJson(created.staff), password: created.password });
      console.log(`added ${created.staff.username} (${created.staff.role}); password, shown once: ${created.password}`);
    });

  staff
    .command('reset-password')
    .description('Give a user a generated password (shown once), unlock and re-enable them, end their sessions')
    .argument('<username>', 'the user name, e.g. admin')
    .option('--json', 'print one JSON document')
    .action(async (username: string, opts) => {
      const reset = await withPlatform(configFromEnv(), async (platform) => {
        const result = await platform.service<IdentityService>(IDENTITY_MODULE_NAME).resetPassword(username);
        if (!result.ok) fail(explain(result.code));
        return result.value;
      });
      if (opts.json) return printJson({ staff: staffJson(reset.staff), password: reset.password });
      console.log(`new password for ${reset.staff.username}, shown once: ${reset.password}`);
    });
}
