import { useQuery } from '@tanstack/react-query';
import { get } from '../../app/api.ts';
import { LineChart } from '../../app/Chart.tsx';
import { environment } from '../../app/environment.ts';
import { formatCount, formatDateTime, formatMoney } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { useCoreMessages } from '../../app/messages.ts';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { useLedgerMessages } from './messages.ts';
import type { LedgerOverview } from './types.ts';

/** Live: polls GET /v1/ledger/overview every 5 s while the page is visible (the server caches it 2 s). */
export const OVERVIEW_POLL_MS = 5_000;

export function LedgerOverviewCard() {
  const t = useLedgerMessages();
  const core = useCoreMessages();
  const locale = useLocale();
  const overview = useQuery({
    queryKey: ['ledger', 'overview'],
    queryFn: () => get<LedgerOverview>('/v1/ledger/overview'),
    refetchInterval: OVERVIEW_POLL_MS,
  });
  if (overview.isPending) return <Loading />;
  if (overview.isError) return <ProblemView error={overview.error} onRetry={() => overview.refetch()} />;
  const { currencies, asOf } = overview.data;
  return (
    <section className="overview-area" aria-labelledby="ledger-overview-title" data-testid="ledger-overview">
      <div className="section-head">
        <h2 id="ledger-overview-title">{t('overview.title')}</h2>
        <p className="muted" aria-live="polite">
          {core('common.updated', { time: formatDateTime(asOf, locale, environment.timeZone) })}
        </p>
      </div>
      {currencies.length === 0 ? <p>{t('overview.empty')}</p> : null}
      {currencies.map((c) => {
        const perMinute = c.series.map((bucket, i) => ({ x: i, y: bucket.transfers }));
        return (
          <article key={c.currency} className="card currency-card" data-testid={`overview-${c.currency}`}>
            <header className="card-head">
              <h3>{t('overview.currency', { currency: c.currency })}</h3>
              <span className={c.balanced ? 'pill pill-ok' : 'pill pill-bad'}>
                {c.balanced ? t('overview.balanced') : t('overview.unbalanced')}
              </span>
            </header>
            <dl className="stats">
              <div>
                <dt>{t('overview.postedTotal')}</dt>
                <dd className="amount">{formatMoney(c.debitsPosted, c.currency, locale)}</dd>
              </div>
              <div>
                <dt>{t('overview.pendingTotal')}</dt>
                <dd className="amount">{formatMoney(c.debitsPending, c.currency, locale)}</dd>
              </div>
              <div>
                <dt>{t('overview.accounts')}</dt>
                <dd>
                  {formatCount(c.accounts.total, locale)}
                  <small>
                    {t('overview.accountsDetail', {
                      active: formatCount(c.accounts.active, locale),
                      frozen: formatCount(c.accounts.frozen, locale),
                      closed: formatCount(c.accounts.closed, locale),
                    })}
                  </small>
                </dd>
              </div>
              <div>
                <dt>{t('overview.pendingTransfers')}</dt>
                <dd>{formatCount(c.pendingTransfers, locale)}</dd>
              </div>
              <div>
                <dt>{t('overview.lastHour')}</dt>
                <dd className="amount">
                  {formatMoney(c.lastHour.amount, c.currency, locale)}
                  <small>{t('overview.transfers', { count: formatCount(c.lastHour.transfers, locale) })}</small>
                </dd>
              </div>
              <div>
                <dt>{t('overview.lastDay')}</dt>
                <dd className="amount">
                  {formatMoney(c.lastDay.amount, c.currency, locale)}
                  <small>{t('overview.transfers', { count: formatCount(c.lastDay.transfers, locale) })}</small>
                </dd>
              </div>
            </dl>
            <figure className="chart-figure simple-hide">
              <figcaption>{t('overview.chartTitle')}</figcaption>
              <LineChart
                bars
                points={perMinute}
                label={t('overview.chart', { count: formatCount(c.lastHour.transfers, locale) })}
              />
            </figure>
          </article>
        );
      })}
    </section>
  );
}
