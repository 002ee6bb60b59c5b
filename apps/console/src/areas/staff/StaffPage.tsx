import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, get } from '../../app/api.ts';
import { environment } from '../../app/environment.ts';
import { formatDateTime } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { useCoreMessages } from '../../app/messages.ts';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import type { Role, Staff } from '../../app/session.ts';
import { useStaffMessages } from './messages.ts';

const ROLES: readonly Role[] = ['admin', 'operator', 'risk_analyst', 'loan_officer', 'compliance_officer'];
const KEY = ['identity', 'staff'] as const;

/** Staff management for administrators; the server answers 403 to anyone else, and the page shows it. */
export function StaffPage() {
  const t = useStaffMessages();
  const core = useCoreMessages();
  const locale = useLocale();
  const client = useQueryClient();
  const staff = useQuery({
    queryKey: KEY,
    queryFn: () => get<{ items: Staff[]; nextCursor: string | null }>('/v1/identity/staff?limit=500'),
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      api<Staff>('PATCH', `/v1/identity/staff/${id}`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: KEY }),
  });
  if (staff.isPending) return <Loading />;
  if (staff.isError) {
    return (
      <>
        <h1>{t('title')}</h1>
        <ProblemView error={staff.error} onRetry={() => staff.refetch()} />
      </>
    );
  }
  const now = staff.dataUpdatedAt;
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {update.isError ? <ProblemView error={update.error} /> : null}
      <div className="table-wrap">
        <table className="data" data-testid="staff-table">
          <thead>
            <tr>
              <th scope="col">{t('username')}</th>
              <th scope="col">{t('displayName')}</th>
              <th scope="col">{t('role')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col" className="hide-narrow">
                {t('lastLogin')}
              </th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {staff.data.items.map((user) => {
              const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > now;
              return (
                <tr key={user.id}>
                  <td className="mono">{user.username}</td>
                  <td>{user.displayName}</td>
                  <td>
                    <select
                      aria-label={t('changeRole', { name: user.displayName })}
                      value={user.role}
                      disabled={update.isPending}
                      onChange={(e) => update.mutate({ id: user.id, body: { role: e.target.value } })}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {core(`role.${role}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <span className={`pill pill-${user.status === 'active' ? 'active' : 'closed'}`}>
                      {user.status === 'active' ? t('active') : t('disabled')}
                    </span>
                    {locked && user.lockedUntil ? (
                      <small className="block">
                        {t('locked', { time: formatDateTime(user.lockedUntil, locale, environment.timeZone) })}
                      </small>
                    ) : null}
                  </td>
                  <td className="hide-narrow">
                    {user.lastLoginAt ? formatDateTime(user.lastLoginAt, locale, environment.timeZone) : t('never')}
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      disabled={update.isPending}
                      onClick={() =>
                        update.mutate({
                          id: user.id,
                          body: { status: user.status === 'active' ? 'disabled' : 'active' },
                        })
                      }
                    >
                      {user.status === 'active' ? t('disable') : t('enable')}
                    </button>
                    {locked ? (
                      <button
                        type="button"
                        disabled={update.isPending}
                        onClick={() => update.mutate({ id: user.id, body: { unlock: true } })}
                      >
                        {t('unlock')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <CreateStaff />
    </>
  );
}

function CreateStaff() {
  const t = useStaffMessages();
  const core = useCoreMessages();
  const client = useQueryClient();
  const [form, setForm] = useState({ username: '', displayName: '', role: 'operator' as Role, password: '' });
  const create = useMutation({
    mutationFn: () => api<Staff>('POST', '/v1/identity/staff', form),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: KEY });
      setForm({ username: '', displayName: '', role: 'operator', password: '' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const field = (name: keyof typeof form) => ({
    id: `staff-${name}`,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });
  return (
    <section className="card" aria-labelledby="create-staff-title">
      <h2 id="create-staff-title">{t('create')}</h2>
      <form className="form-grid" onSubmit={submit}>
        <label htmlFor="staff-username">{t('username')}</label>
        <input {...field('username')} autoComplete="off" required />
        <label htmlFor="staff-displayName">{t('displayName')}</label>
        <input {...field('displayName')} autoComplete="off" required />
        <label htmlFor="staff-role">{t('role')}</label>
        <select {...field('role')}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {core(`role.${role}`)}
            </option>
          ))}
        </select>
        <label htmlFor="staff-password">{t('password')}</label>
        <input {...field('password')} type="password" autoComplete="new-password" aria-describedby="pw-hint" required />
        <small id="pw-hint" className="muted span-2">
          {t('passwordHint')}
        </small>
        <div className="span-2">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('createButton')}
          </button>
        </div>
      </form>
      {create.isError ? <ProblemView error={create.error} /> : null}
      {create.isSuccess ? <p role="status">{t('created', { name: create.data.displayName })}</p> : null}
    </section>
  );
}
