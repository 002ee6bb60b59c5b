import { defineErrors } from '@zhirong/kernel';

/** Every failure of staff sign-in, sessions, CSRF and staff management, with its HTTP status. */
export const identityErrors = defineErrors({
  login_failed: {
    status: 401,
    en: 'The user name or the password is wrong',
    zh: '用户名或密码错误',
  },
  login_locked: {
    status: 429,
    en: 'Too many wrong passwords for this user: sign-in is locked for {minutes} minutes',
    zh: '该用户密码错误次数过多，登录已锁定 {minutes} 分钟',
  },
  login_throttled: {
    status: 429,
    en: 'Too many failed sign-ins from this address: try again later',
    zh: '该地址登录失败次数过多，请稍后再试',
  },
  session_required: {
    status: 401,
    en: 'Sign in to the console first',
    zh: '请先登录控制台',
  },
  session_invalid: {
    status: 401,
    en: 'The session has ended or expired: sign in again',
    zh: '会话已结束或已过期，请重新登录',
  },
  csrf_token_invalid: {
    status: 403,
    en: 'The request lacks a valid CSRF token (X-CSRF-Token header)',
    zh: '请求缺少有效的 CSRF 令牌（X-CSRF-Token 请求头）',
  },
  role_forbidden: {
    status: 403,
    en: 'Your role ({role}) does not allow this operation',
    zh: '您的角色（{role}）无权执行此操作',
  },
  origin_forbidden: {
    status: 403,
    en: 'Cross-site requests are not accepted',
    zh: '不接受跨站请求',
  },
  staff_not_found: {
    status: 404,
    en: 'No such staff user',
    zh: '员工用户不存在',
  },
  staff_username_taken: {
    status: 409,
    en: 'A staff user with this user name already exists',
    zh: '该用户名已被其他员工使用',
  },
  staff_username_invalid: {
    status: 400,
    en: 'A user name is 3 to 64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    zh: '用户名须为 3 到 64 个字符：小写字母、数字、"."、"_" 或 "-"，并以字母或数字开头',
  },
  staff_display_name_invalid: {
    status: 400,
    en: 'A display name must be 1 to 100 printable characters',
    zh: '显示名称须为 1 到 100 个可打印字符',
  },
  password_too_weak: {
    status: 400,
    en: 'A password must have 12 to 256 characters and must not contain the user name',
    zh: '密码须为 12 到 256 个字符，且不能包含用户名',
  },
  password_wrong: {
    status: 403,
    en: 'The current password is wrong',
    zh: '当前密码错误',
  },
  staff_last_admin: {
    status: 409,
    en: 'This is the last active admin; make another staff user admin first',
    zh: '这是最后一个有效的管理员；请先将另一位员工设为管理员',
  },
  staff_cursor_invalid: {
    status: 400,
    en: 'The page cursor is not valid: pass the nextCursor of the previous page',
    zh: '分页游标无效：请使用上一页返回的 nextCursor',
  },
});

export type IdentityErrorCode = keyof typeof identityErrors;
