// One risk decision, explained (route /risk/decisions/:id).
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { get } from '../../app/api.ts';
import { Loading, ProblemView } from '../../app/Problem.tsx';
import { DecisionView } from './DecisionView.tsx';
import { useRiskMessages } from './messages.ts';
import type { Decision } from './types.ts';

export function DecisionPage() {
  const t = useRiskMessages();
  const { id = '' } = useParams();
  const decision = useQuery({
    queryKey: ['risk', 'decision', id],
    queryFn: () => get<Decision>(`/v1/risk/decisions/${id}`),
  });
  return (
    <>
      <p>
        <Link to="/risk">← {t('decisions.title')}</Link>
      </p>
      <h1>{t('decision.title')}</h1>
      {decision.isPending ? <Loading /> : null}
      {decision.isError ? <ProblemView error={decision.error} onRetry={() => decision.refetch()} /> : null}
      {decision.data ? <DecisionView decision={decision.data} /> : null}
    </>
  );
}
