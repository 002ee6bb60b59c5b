// The review queue: open cases by due time (overdue first), or closed cases with their verdicts.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { get, query } from '../../app/api.ts';
import { environment } from '../../app/environment.ts';
import { formatDateTime } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { useRiskMessages } from './messages.ts';
import { RiskTabs } from './RiskTabs.tsx';
import type { Items, RiskCase } from './types.ts';

const PAGE_SIZE = 100;

export function CasesPage() {
  const t = useRiskMessages();
  const locale = useLocale();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') === 'closed' ? 'closed' : 'open';
  const cases = useQuery({
    queryKey: ['risk', 'cases', status],
    queryFn: () => get<Items<RiskCase>>(`/v1/risk/cases${query({ status, limit: PAGE_SIZE })}`),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const now = Date.now();
  const items = [...(cases.data?.items ?? [])].sort((a, b) =>
    status === 'open' ? a.dueAt.localeCompare(b.dueAt) : (b.closedAt ?? '').localeCompare(a.closedAt ?? ''),
  );
  return (
    <>
      <RiskTabs />
      <h1>{t('cases.title')}</h1>
      <fieldset className="toolbar plain">
        <legend className="visually-hidden">{t('cases.status')}</legend>
        {(['open', 'closed'] as const).map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            className={status === s ? 'primary' : ''}
            onClick={() => setParams(new URLSearchParams({ status: s }))}
          >
            {t(`cases.${s}`)}
          </button>
        ))}
      </fieldset>
      {cases.isPending ? <Loading /> : null}
      {cases.isError ? <ProblemView error={cases.error} onRetry={() => cases.refetch()} /> : null}
      {cases.data ? (
        items.length === 0 ? (
          <p>{status === 'open' ? t('cases.noneOpen') : t('cases.noneClosed')}</p>
        ) : (
          <div className="table-wrap">
            <table className="data stack-narrow" data-testid="cases-table">
              <caption className="visually-hidden">{t('cases.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cases.case')}</th>
                  <th scope="col">{t('decisions.customer')}</th>
                  <th scope="col">{t('cases.opened')}</th>
                  <th scope="col">{status === 'open' ? t('cases.due') : t('cases.outcome')}</th>
                  <th scope="col">{t('cases.assignee')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => {
                  const overdue = c.status === 'open' && Date.parse(c.dueAt) < now;
                  return (
                    <tr key={c.id}>
                      <td data-label={t('cases.case')}>
                        <Link className="mono" to={`/risk/cases/${c.id}`}>
                          {c.id}
                        </Link>
                      </td>
                      <td data-label={t('decisions.customer')} className="mono">
                        {c.customerId}
                      </td>
                      <td data-label={t('cases.opened')}>{formatDateTime(c.openedAt, locale, environment.timeZone)}</td>
                      <td data-label={status === 'open' ? t('cases.due') : t('cases.outcome')}>
                        {c.status === 'open' ? (
                          <>
                            {formatDateTime(c.dueAt, locale, environment.timeZone)}
                            {overdue ? <span className="pill pill-bad"> {t('cases.overdue')}</span> : null}
                          </>
                        ) : (
                          <span className={`pill ${c.outcome === 'fraud' ? 'pill-bad' : 'pill-ok'}`}>
                            {t(`outcome.${c.outcome ?? 'legitimate'}`)}
                          </span>
                        )}
                      </td>
                      <td data-label={t('cases.assignee')}>{c.assignee ?? t('cases.unassigned')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </>
  );
}
