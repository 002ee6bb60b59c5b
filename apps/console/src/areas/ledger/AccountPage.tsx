import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, get, query } from '../../app/api.ts';
import { hasScope } from '../../app/areas.ts';
import { LineChart } from '../../app/Chart.tsx';
import { environment } from '../../app/environment.ts';
import { formatDateTime, formatMoney, isNegative, plotValue, startOfDayIso } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { useCoreMessages } from '../../app/messages.ts';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { useSessionInfo } from '../../app/session.ts';
import { useLedgerMessages } from './messages.ts';
import { type Account, accountName, memoOf, type Statement } from './types.ts';

const STATEMENT_PAGE_SIZE = 50;

/** One account: balances, details, freeze/unfreeze (roles with ledger:write), and its statement. */
export function AccountPage() {
  const { id = '' } = useParams();
  const t = useLedgerMessages();
  const locale = useLocale();
  const account = useQuery({
    queryKey: ['ledger', 'account', id],
    queryFn: () => get<Account>(`/v1/ledger/accounts/${encodeURIComponent(id)}`),
  });
  return (
    <>
      <p>
        <Link to="/ledger">← {t('account.back')}</Link>
      </p>
      <h1 className="mono-title">{t('account.title', { id })}</h1>
      {account.isPending ? <Loading /> : null}
      {account.isError ? <ProblemView error={account.error} onRetry={() => account.refetch()} /> : null}
      {account.data ? (
        <>
          <AccountSummary account={account.data} />
          <StatementView account={account.data} locale={locale} />
        </>
      ) : null}
    </>
  );
}

function AccountSummary({ account }: { account: Account }) {
  const t = useLedgerMessages();
  const locale = useLocale();
  const { scopes } = useSessionInfo();
  const money = (amount: string) => formatMoney(amount, account.currency, locale);
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="balances-title">
        <h2 id="balances-title">{t('account.balances')}</h2>
        {accountName(account) ? <p className="lead">{accountName(account)}</p> : null}
        <dl className="stats" data-testid="balances">
          <div>
            <dt>{t('account.posted')}</dt>
            <dd className={isNegative(account.balances.posted) ? 'amount big negative' : 'amount big'}>
              {money(account.balances.posted)}
            </dd>
          </div>
          <div>
            <dt>{t('account.available')}</dt>
            <dd className="amount">{money(account.balances.available)}</dd>
          </div>
          <div>
            <dt>{t('account.pending')}</dt>
            <dd className="amount">
              {money(account.balances.debitsPending)} / {money(account.balances.creditsPending)}
            </dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">{t('account.details')}</h2>
        <dl className="details">
          <dt>{t('accounts.type')}</dt>
          <dd>{t(`type.${account.type}`)}</dd>
          <dt>{t('accounts.status')}</dt>
          <dd>
            <span className={`pill pill-${account.status}`} data-testid="account-status">
              {t(`status.${account.status}`)}
            </span>
          </dd>
          <dt>{t('accounts.currency')}</dt>
          <dd>{account.currency}</dd>
          <dt>{t('account.code')}</dt>
          <dd>{account.code}</dd>
          <dt>{t('accounts.owner')}</dt>
          <dd>{account.ownerRef ?? '—'}</dd>
          <dt>{t('account.flags')}</dt>
          <dd>
            {account.flags.length === 0 ? t('account.noLimit') : account.flags.map((f) => t(`flag.${f}`)).join(', ')}
          </dd>
          <dt>{t('account.created')}</dt>
          <dd>{formatDateTime(account.createdAt, locale, environment.timeZone)}</dd>
        </dl>
        {account.status === 'frozen' ? <p className="note">{t('account.frozenNote')}</p> : null}
        {hasScope(scopes, 'ledger:write') && account.status !== 'closed' ? <FreezeControl account={account} /> : null}
      </section>
    </div>
  );
}

/** Freeze or unfreeze, with a confirmation step. The server checks the role (ledger:write) again. */
function FreezeControl({ account }: { account: Account }) {
  const t = useLedgerMessages();
  const core = useCoreMessages();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const action = account.status === 'frozen' ? 'unfreeze' : 'freeze';
  const change = useMutation({
    mutationFn: () => api<Account>('POST', `/v1/ledger/accounts/${account.id}/${action}`, {}),
    onSuccess: (updated) => {
      client.setQueryData(['ledger', 'account', account.id], updated);
      client.invalidateQueries({ queryKey: ['ledger', 'accounts'] });
      client.invalidateQueries({ queryKey: ['ledger', 'overview'] });
      setConfirming(false);
    },
  });
  return (
    <div className="danger-zone">
      {confirming ? (
        <fieldset className="confirm" aria-describedby="confirm-text">
          <p id="confirm-text">{action === 'freeze' ? t('account.confirmFreeze') : t('account.confirmUnfreeze')}</p>
          <button
            type="button"
            className="danger"
            data-testid="confirm-freeze"
            disabled={change.isPending}
            onClick={() => change.mutate()}
          >
            {t('account.confirm')}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {core('common.cancel')}
          </button>
        </fieldset>
      ) : (
        <button
          type="button"
          className={action === 'freeze' ? 'danger' : 'primary'}
          data-testid="freeze-toggle"
          onClick={() => setConfirming(true)}
        >
          {action === 'freeze' ? t('account.freeze') : t('account.unfreeze')}
        </button>
      )}
      {change.isError ? <ProblemView error={change.error} /> : null}
    </div>
  );
}

function StatementView({ account, locale }: { account: Account; locale: ReturnType<typeof useLocale> }) {
  const t = useLedgerMessages();
  const core = useCoreMessages();
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const statement = useQuery({
    queryKey: ['ledger', 'statement', account.id, range.from, range.to, cursor],
    queryFn: () =>
      get<Statement>(
        `/v1/ledger/accounts/${account.id}/statement${query({
          limit: STATEMENT_PAGE_SIZE,
          from: range.from,
          to: range.to,
          cursor,
        })}`,
      ),
    placeholderData: keepPreviousData,
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    setCursors([]);
    const from = startOfDayIso(fromDay, environment.timeZone);
    const to = startOfDayIso(toDay, environment.timeZone);
    setRange({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  }

  const money = (amount: string) => formatMoney(amount, account.currency, locale);
  const lines = statement.data?.data ?? [];
  return (
    <section className="card" aria-labelledby="statement-title">
      <h2 id="statement-title">{t('statement.title')}</h2>
      <form className="toolbar" onSubmit={apply}>
        <div className="field">
          <label htmlFor="statement-from">{t('statement.from')}</label>
          <input id="statement-from" type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="statement-to">{t('statement.to')}</label>
          <input id="statement-to" type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} />
        </div>
        <div className="field actions">
          <button type="submit" className="primary">
            {t('statement.apply')}
          </button>
        </div>
      </form>
      {statement.isPending ? <Loading /> : null}
      {statement.isError ? <ProblemView error={statement.error} onRetry={() => statement.refetch()} /> : null}
      {statement.data && lines.length === 0 ? <p>{t('statement.none')}</p> : null}
      {lines.length > 1 ? (
        <figure className="chart-figure simple-hide">
          <LineChart
            points={lines.map((line, i) => ({ x: i, y: plotValue(line.postedBalance) }))}
            label={t('statement.chart')}
            height={120}
          />
        </figure>
      ) : null}
      {lines.length > 0 ? (
        <div className="table-wrap">
          <table className="data stack-narrow" data-testid="statement-table">
            <thead>
              <tr>
                <th scope="col">{t('statement.time')}</th>
                <th scope="col">{t('statement.memo')}</th>
                <th scope="col" className="hide-narrow">
                  {t('statement.counterparty')}
                </th>
                <th scope="col" className="num">
                  {t('statement.debit')}
                </th>
                <th scope="col" className="num">
                  {t('statement.credit')}
                </th>
                <th scope="col" className="num">
                  {t('statement.balance')}
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <tr key={line.seq}>
                  <td className="nowrap" data-label={t('statement.time')}>
                    {formatDateTime(line.createdAt, locale, environment.timeZone)}
                  </td>
                  <td data-label={t('statement.memo')}>
                    {memoOf(line)}
                    <small className="muted block mono">{line.transferId}</small>
                  </td>
                  <td className="hide-narrow" data-label={t('statement.counterparty')}>
                    <Link className="mono" to={`/ledger/accounts/${line.counterpartyAccountId}`}>
                      {line.counterpartyAccountId}
                    </Link>
                  </td>
                  <td className="num" data-label={t('statement.debit')}>
                    {line.direction === 'debit' ? money(line.amount) : ''}
                  </td>
                  <td className="num" data-label={t('statement.credit')}>
                    {line.direction === 'credit' ? money(line.amount) : ''}
                  </td>
                  <td
                    className={isNegative(line.postedBalance) ? 'num negative' : 'num'}
                    data-label={t('statement.balance')}
                  >
                    {money(line.postedBalance)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {statement.data && (cursors.length > 0 || statement.data.nextCursor !== null) ? (
        <nav className="pager" aria-label={t('statement.title')}>
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
            {core('pager.previous')}
          </button>
          <span>{core('pager.page', { page: cursors.length + 1 })}</span>
          <button
            type="button"
            disabled={statement.data.nextCursor === null}
            onClick={() => statement.data?.nextCursor && setCursors([...cursors, statement.data.nextCursor])}
          >
            {core('pager.next')}
          </button>
        </nav>
      ) : null}
    </section>
  );
}
