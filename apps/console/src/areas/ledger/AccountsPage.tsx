import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get, query } from '../../app/api.ts';
import { formatCount, formatMoney, isNegative } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { useCoreMessages } from '../../app/messages.ts';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { useLedgerMessages } from './messages.ts';
import { type AccountPage, accountName, type LedgerOverview } from './types.ts';

const PAGE_SIZE = 25;
const ACCOUNT_ID = /^acc_[0-9a-z]{26}$/;

/** Accounts with cursor pagination; search by account id (opens it) or by owner reference; filter by currency. */
export function AccountsPage() {
  const t = useLedgerMessages();
  const core = useCoreMessages();
  const locale = useLocale();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const owner = params.get('owner') ?? '';
  const currency = params.get('currency') ?? '';
  const [search, setSearch] = useState(owner);
  // The cursors of the pages before this one: "previous" pops, "next" pushes.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);

  const currencies = useQuery({
    queryKey: ['ledger', 'overview'],
    queryFn: () => get<LedgerOverview>('/v1/ledger/overview'),
    select: (overview) => overview.currencies.map((c) => c.currency),
  });
  const page = useQuery({
    queryKey: ['ledger', 'accounts', owner, currency, cursor],
    queryFn: () =>
      get<AccountPage>(`/v1/ledger/accounts${query({ limit: PAGE_SIZE, ownerRef: owner, currency, cursor })}`),
    placeholderData: keepPreviousData,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = search.trim();
    if (ACCOUNT_ID.test(text)) {
      navigate(`/ledger/accounts/${text}`);
      return;
    }
    setCursors([]);
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (text === '') next.delete('owner');
      else next.set('owner', text);
      return next;
    });
  }

  function chooseCurrency(value: string) {
    setCursors([]);
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === '') next.delete('currency');
      else next.set('currency', value);
      return next;
    });
  }

  return (
    <>
      <h1>{t('accounts.title')}</h1>
      <search>
        <form className="toolbar" onSubmit={submit}>
          <div className="field grow">
            <label htmlFor="account-search">{t('accounts.search')}</label>
            <input
              id="account-search"
              data-testid="account-search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              aria-describedby="account-search-hint"
              autoComplete="off"
              spellCheck={false}
            />
            <small id="account-search-hint" className="muted">
              {t('accounts.searchHint')}
            </small>
          </div>
          <div className="field">
            <label htmlFor="account-currency">{t('accounts.currency')}</label>
            <select id="account-currency" value={currency} onChange={(e) => chooseCurrency(e.target.value)}>
              <option value="">{t('accounts.anyCurrency')}</option>
              {(currencies.data ?? []).map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </div>
          <div className="field actions">
            <button type="submit" className="primary">
              {t('accounts.searchButton')}
            </button>
            {owner !== '' ? (
              <button
                type="button"
                onClick={() => {
                  setSearch('');
                  setCursors([]);
                  setParams(new URLSearchParams(currency === '' ? {} : { currency }));
                }}
              >
                {t('accounts.clear')}
              </button>
            ) : null}
          </div>
        </form>
      </search>
      {page.isPending ? <Loading /> : null}
      {page.isError ? <ProblemView error={page.error} onRetry={() => page.refetch()} /> : null}
      {page.data ? (
        <>
          {page.data.data.length === 0 ? (
            <p>{t('accounts.none')}</p>
          ) : (
            <div className="table-wrap">
              <table className="data stack-narrow" data-testid="accounts-table">
                <caption className="visually-hidden">
                  {t('accounts.count', { count: formatCount(page.data.data.length, locale) })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('accounts.id')}</th>
                    <th scope="col">{t('accounts.name')}</th>
                    <th scope="col" className="hide-narrow">
                      {t('accounts.type')}
                    </th>
                    <th scope="col" className="hide-narrow">
                      {t('accounts.status')}
                    </th>
                    <th scope="col" className="num">
                      {t('accounts.posted')}
                    </th>
                    <th scope="col" className="num hide-narrow">
                      {t('accounts.available')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.data.map((account) => (
                    <tr key={account.id}>
                      <td data-label={t('accounts.id')}>
                        <Link className="mono" to={`/ledger/accounts/${account.id}`}>
                          {account.id}
                        </Link>
                      </td>
                      <td data-label={t('accounts.name')}>
                        {accountName(account) ?? ''}
                        {account.ownerRef ? <small className="muted block">{account.ownerRef}</small> : null}
                      </td>
                      <td className="hide-narrow">{t(`type.${account.type}`)}</td>
                      <td className="hide-narrow">
                        <span className={`pill pill-${account.status}`}>{t(`status.${account.status}`)}</span>
                      </td>
                      <td
                        className={isNegative(account.balances.posted) ? 'num negative' : 'num'}
                        data-label={t('accounts.posted')}
                      >
                        {formatMoney(account.balances.posted, account.currency, locale)}
                      </td>
                      <td className="num hide-narrow">
                        {formatMoney(account.balances.available, account.currency, locale)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label={core('pager.page', { page: cursors.length + 1 })}>
            <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {core('pager.previous')}
            </button>
            <span>{core('pager.page', { page: cursors.length + 1 })}</span>
            <button
              type="button"
              disabled={page.data.nextCursor === null}
              onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
            >
              {core('pager.next')}
            </button>
          </nav>
        </>
      ) : null}
    </>
  );
}
