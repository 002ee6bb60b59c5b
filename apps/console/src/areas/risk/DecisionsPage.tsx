// The decision explorer: recent risk decisions, filtered by verdict, event type or customer.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { get, query } from '../../app/api.ts';
import { environment } from '../../app/environment.ts';
import { formatDateTime } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { useRiskMessages } from './messages.ts';
import { RiskTabs } from './RiskTabs.tsx';
import { type Decision, EVENT_TYPES, type Items, VERDICTS } from './types.ts';
import { VerdictPill } from './VerdictPill.tsx';

const PAGE_SIZE = 100;

/** Newest decisions first, as the API lists them; filters live in the URL so a view can be shared. */
export function DecisionsPage() {
  const t = useRiskMessages();
  const locale = useLocale();
  const [params, setParams] = useSearchParams();
  const verdict = params.get('decision') ?? '';
  const type = params.get('type') ?? '';
  const customer = params.get('customer') ?? '';
  const [customerText, setCustomerText] = useState(customer);
  const list = useQuery({
    queryKey: ['risk', 'decisions', verdict, type, customer],
    queryFn: () =>
      get<Items<Decision>>(
        `/v1/risk/decisions${query({ limit: PAGE_SIZE, decision: verdict, type, customerId: customer })}`,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

  function setFilter(name: string, value: string) {
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === '') next.delete(name);
      else next.set(name, value);
      return next;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setFilter('customer', customerText.trim());
  }

  return (
    <>
      <RiskTabs />
      <h1>{t('decisions.title')}</h1>
      <search>
        <form className="toolbar" onSubmit={submit}>
          <div className="field">
            <label htmlFor="risk-verdict">{t('decisions.verdict')}</label>
            <select
              id="risk-verdict"
              data-testid="risk-verdict"
              value={verdict}
              onChange={(e) => setFilter('decision', e.target.value)}
            >
              <option value="">{t('decisions.any')}</option>
              {VERDICTS.map((v) => (
                <option key={v} value={v}>
                  {t(`verdict.${v}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="risk-type">{t('decisions.type')}</label>
            <select id="risk-type" value={type} onChange={(e) => setFilter('type', e.target.value)}>
              <option value="">{t('decisions.any')}</option>
              {EVENT_TYPES.map((v) => (
                <option key={v} value={v}>
                  {t(`type.${v}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="risk-customer">{t('decisions.customer')}</label>
            <input
              id="risk-customer"
              value={customerText}
              onChange={(e) => setCustomerText(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div className="field actions">
            <button type="submit" className="primary">
              {t('decisions.search')}
            </button>
          </div>
        </form>
      </search>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ProblemView error={list.error} onRetry={() => list.refetch()} /> : null}
      {list.data ? (
        list.data.items.length === 0 ? (
          <p>{t('decisions.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="data stack-narrow" data-testid="decisions-table">
              <caption className="visually-hidden">{t('decisions.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('decisions.time')}</th>
                  <th scope="col">{t('decisions.type')}</th>
                  <th scope="col">{t('decisions.customer')}</th>
                  <th scope="col" className="num">
                    {t('decisions.amount')}
                  </th>
                  <th scope="col">{t('decisions.verdict')}</th>
                  <th scope="col" className="num">
                    {t('decisions.score')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((d) => (
                  <tr key={d.id}>
                    <td data-label={t('decisions.time')}>
                      <Link to={`/risk/decisions/${d.id}`}>
                        {formatDateTime(d.eventAt, locale, environment.timeZone)}
                      </Link>
                    </td>
                    <td data-label={t('decisions.type')}>{t(`type.${d.eventType}`)}</td>
                    <td data-label={t('decisions.customer')} className="mono">
                      {d.customerId}
                    </td>
                    <td data-label={t('decisions.amount')} className="num">
                      {d.event.amount !== undefined ? `${d.event.amount} ${d.event.currency ?? ''}` : '—'}
                    </td>
                    <td data-label={t('decisions.verdict')}>
                      <VerdictPill verdict={d.decision} />
                    </td>
                    <td data-label={t('decisions.score')} className="num">
                      {d.score}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </>
  );
}
