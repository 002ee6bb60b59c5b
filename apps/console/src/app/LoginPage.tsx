import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from './api.ts';
import { environment } from './environment.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { useCoreMessages } from './messages.ts';
import { SESSION_KEY } from './session.ts';

export function LoginPage() {
  const t = useCoreMessages();
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/v1/identity/session', { username, password });
      setPassword('');
      await client.invalidateQueries({ queryKey: SESSION_KEY });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.title : t('error.network'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      {environment.demo ? (
        <p className="demo-banner" role="note">
          {t('demo.banner')}
        </p>
      ) : null}
      <main className="login-card" id="main">
        <div className="login-brand">
          <span className="logo" aria-hidden="true">
            智
          </span>
          <div>
            <h1>{t('login.title')}</h1>
            <p className="muted">{t('login.intro')}</p>
          </div>
        </div>
        <form onSubmit={submit} noValidate>
          <label htmlFor="username">{t('login.username')}</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
          <label htmlFor="password">{t('login.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          {error ? (
            <p className="form-error" role="alert" data-testid="login-error">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy || username === '' || password === ''}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <div className="login-footer">
          <LanguageSwitch />
        </div>
      </main>
    </div>
  );
}
