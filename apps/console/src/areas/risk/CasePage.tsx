// A review case: the decision explained, notes, assignment, and the verdict (fraud or legitimate) with a confirmation step.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { get, post } from '../../app/api.ts';
import { environment } from '../../app/environment.ts';
import { formatDateTime } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { useCoreMessages } from '../../app/messages.ts';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { useSessionInfo } from '../../app/session.ts';
import { DecisionView } from './DecisionView.tsx';
import { useRiskMessages } from './messages.ts';
import type { CaseWithDecision, RiskCase } from './types.ts';

export function CasePage() {
  const t = useRiskMessages();
  const locale = useLocale();
  const { id = '' } = useParams();
  // Each GET is a recorded view in the case's trail, so the page does not poll.
  const found = useQuery({
    queryKey: ['risk', 'case', id],
    queryFn: () => get<CaseWithDecision>(`/v1/risk/cases/${id}`),
    refetchOnWindowFocus: false,
  });
  const c = found.data;
  return (
    <>
      <p>
        <Link to="/risk/cases">← {t('cases.title')}</Link>
      </p>
      <h1>{t('case.title', { id })}</h1>
      {found.isPending ? <Loading /> : null}
      {found.isError ? <ProblemView error={found.error} onRetry={() => found.refetch()} /> : null}
      {c ? (
        <>
          <section className="card" aria-labelledby="case-state">
            <h2 id="case-state">{t('case.state')}</h2>
            <dl className="details">
              <dt>{t('cases.status')}</dt>
              <dd data-testid="case-status">
                {c.status === 'open' ? t('cases.open') : t(`outcome.${c.outcome ?? 'legitimate'}`)}
              </dd>
              <dt>{t('cases.opened')}</dt>
              <dd>{formatDateTime(c.openedAt, locale, environment.timeZone)}</dd>
              <dt>{t('cases.due')}</dt>
              <dd>{formatDateTime(c.dueAt, locale, environment.timeZone)}</dd>
              <dt>{t('cases.assignee')}</dt>
              <dd>{c.assignee ?? t('cases.unassigned')}</dd>
              {c.closedAt ? (
                <>
                  <dt>{t('case.closed')}</dt>
                  <dd>
                    {formatDateTime(c.closedAt, locale, environment.timeZone)} · {c.closedBy}
                  </dd>
                </>
              ) : null}
            </dl>
            {c.status === 'open' ? <CaseActions riskCase={c} /> : null}
          </section>
          <DecisionView decision={c.decision} />
          <Notes riskCase={c} />
        </>
      ) : null}
    </>
  );
}

function useCaseUpdate(id: string) {
  const client = useQueryClient();
  return (updated: RiskCase) => {
    client.setQueryData<CaseWithDecision>(['risk', 'case', id], (old) => (old ? { ...old, ...updated } : old));
    client.invalidateQueries({ queryKey: ['risk', 'cases'] });
  };
}

function CaseActions({ riskCase }: { riskCase: RiskCase }) {
  const t = useRiskMessages();
  const core = useCoreMessages();
  const { staff } = useSessionInfo();
  const update = useCaseUpdate(riskCase.id);
  const [verdict, setVerdict] = useState<'fraud' | 'legitimate' | null>(null);
  const assign = useMutation({
    mutationFn: () => post<RiskCase>(`/v1/risk/cases/${riskCase.id}/assign`, { assignee: staff.id }),
    onSuccess: update,
  });
  const close = useMutation({
    mutationFn: (outcome: 'fraud' | 'legitimate') => post<RiskCase>(`/v1/risk/cases/${riskCase.id}/close`, { outcome }),
    onSuccess: (updated) => {
      update(updated);
      setVerdict(null);
    },
  });
  return (
    <div className="actions-row">
      {riskCase.assignee !== staff.id ? (
        <button type="button" data-testid="assign-me" disabled={assign.isPending} onClick={() => assign.mutate()}>
          {t('case.assignMe')}
        </button>
      ) : null}
      {verdict === null ? (
        <>
          <button type="button" className="danger" data-testid="close-fraud" onClick={() => setVerdict('fraud')}>
            {t('case.confirmFraud')}
          </button>
          <button
            type="button"
            className="primary"
            data-testid="close-legitimate"
            onClick={() => setVerdict('legitimate')}
          >
            {t('case.legitimate')}
          </button>
        </>
      ) : (
        <fieldset className="confirm" aria-describedby="verdict-text">
          <p id="verdict-text">{verdict === 'fraud' ? t('case.fraudEffect') : t('case.legitimateEffect')}</p>
          <button
            type="button"
            className={verdict === 'fraud' ? 'danger' : 'primary'}
            data-testid="confirm-verdict"
            disabled={close.isPending}
            onClick={() => close.mutate(verdict)}
          >
            {t('case.confirm')}
          </button>
          <button type="button" onClick={() => setVerdict(null)}>
            {core('common.cancel')}
          </button>
        </fieldset>
      )}
      {assign.isError ? <ProblemView error={assign.error} /> : null}
      {close.isError ? <ProblemView error={close.error} /> : null}
    </div>
  );
}

function Notes({ riskCase }: { riskCase: RiskCase }) {
  const t = useRiskMessages();
  const locale = useLocale();
  const update = useCaseUpdate(riskCase.id);
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => post<RiskCase>(`/v1/risk/cases/${riskCase.id}/notes`, { text: text.trim() }),
    onSuccess: (updated) => {
      update(updated);
      setText('');
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() !== '') add.mutate();
  }
  return (
    <section className="card" aria-labelledby="case-notes">
      <h2 id="case-notes">{t('case.notes')}</h2>
      {riskCase.notes.length === 0 ? <p>{t('case.noNotes')}</p> : null}
      <ol className="notes" data-testid="case-notes">
        {riskCase.notes.map((n, i) => (
          <li key={`${n.at}-${i}`}>
            <small className="muted">
              {formatDateTime(n.at, locale, environment.timeZone)} · {n.by} · {t(`trail.${n.action}`)}
            </small>
            {n.text ? <p>{n.text}</p> : null}
          </li>
        ))}
      </ol>
      {riskCase.status === 'open' ? (
        <form onSubmit={submit}>
          <label htmlFor="note-text">{t('case.addNote')}</label>
          <textarea id="note-text" value={text} maxLength={4000} rows={3} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="primary" disabled={add.isPending || text.trim() === ''}>
            {t('case.saveNote')}
          </button>
          {add.isError ? <ProblemView error={add.error} /> : null}
        </form>
      ) : null}
    </section>
  );
}
