import { Link } from 'react-router';
import { ApiError } from './api.ts';
import { useCoreMessages } from './messages.ts';

/** How a failed request looks on a page: 403 says the role lacks the right, others say what went wrong. */
export function ProblemView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useCoreMessages();
  if (error instanceof ApiError && error.status === 403) {
    return (
      <section className="problem problem-forbidden" role="alert" data-testid="forbidden">
        <h2>{t('error.forbidden')}</h2>
        <p>{error.title}</p>
        <p className="muted">{t('error.forbiddenDetail', { status: error.status, code: error.code })}</p>
        <Link to="/">{t('error.back')}</Link>
      </section>
    );
  }
  const network = !(error instanceof ApiError);
  return (
    <section className="problem" role="alert">
      <h2>{t('error.title')}</h2>
      <p>{network ? t('error.network') : (error as ApiError).title}</p>
      {error instanceof ApiError && error.detail ? <p className="muted">{error.detail}</p> : null}
      {error instanceof ApiError ? <p className="muted">{t('error.code', { code: error.code })}</p> : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </section>
  );
}

export function Loading() {
  const t = useCoreMessages();
  return (
    <p className="loading" aria-busy="true">
      {t('app.loading')}
    </p>
  );
}

export function NotFound() {
  const t = useCoreMessages();
  return (
    <section className="problem">
      <h1>{t('error.notFound')}</h1>
      <p>{t('error.notFoundDetail')}</p>
      <Link to="/">{t('error.back')}</Link>
    </section>
  );
}
