import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from './api.ts';
import { useCoreMessages } from './messages.ts';
import { ProblemView } from './Problem.tsx';
import { useSessionInfo } from './session.ts';

/** The signed-in user's own page: who they are and changing their password (other sessions end). */
export function ProfilePage() {
  const t = useCoreMessages();
  const { staff } = useSessionInfo();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => api('POST', '/v1/identity/session/password', { currentPassword: current, newPassword: next }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <>
      <h1>{t('profile.title')}</h1>
      <section className="card" aria-labelledby="profile-who">
        <h2 id="profile-who">{staff.displayName}</h2>
        <dl className="details">
          <dt>{t('login.username')}</dt>
          <dd className="mono">{staff.username}</dd>
          <dt>{t('profile.role')}</dt>
          <dd>{t(`role.${staff.role}`)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="profile-password">
        <h2 id="profile-password">{t('profile.changePassword')}</h2>
        <form className="form-grid" onSubmit={submit}>
          <label htmlFor="current-password">{t('profile.currentPassword')}</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
          <label htmlFor="new-password">{t('profile.newPassword')}</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            aria-describedby="new-password-hint"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
          <small id="new-password-hint" className="muted span-2">
            {t('profile.passwordHint')}
          </small>
          <div className="span-2">
            <button type="submit" className="primary" disabled={change.isPending || current === '' || next === ''}>
              {t('profile.save')}
            </button>
          </div>
        </form>
        {change.isError ? <ProblemView error={change.error} /> : null}
        {change.isSuccess ? <p role="status">{t('profile.changed')}</p> : null}
      </section>
    </>
  );
}
