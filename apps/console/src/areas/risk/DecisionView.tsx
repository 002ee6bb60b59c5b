// One decision explained: verdict, score, the contribution waterfall, matched rules, versions and the features used.
import { useMutation } from '@tanstack/react-query';
import { post } from '../../app/api.ts';
import { environment } from '../../app/environment.ts';
import { formatDateTime } from '../../app/format.ts';
import { useLocale } from '../../app/i18n.tsx';
import { ProblemView } from '../../app/Problem.tsx';
import { useRiskMessages } from './messages.ts';
import { type Decision, splitReasons } from './types.ts';
import { VerdictPill } from './VerdictPill.tsx';
import { Waterfall } from './Waterfall.tsx';

interface ReplayResult {
  readonly same: boolean;
  readonly replayed: { readonly decision: string; readonly score: number };
}

export function DecisionView({ decision: d }: { decision: Decision }) {
  const t = useRiskMessages();
  const locale = useLocale();
  const replay = useMutation({ mutationFn: () => post<ReplayResult>(`/v1/risk/decisions/${d.id}/replay`) });
  const features = Object.entries(d.features).sort(([a], [b]) => a.localeCompare(b));
  const { decisive, contributions } = splitReasons(d);
  return (
    <>
      <div className="grid-2">
        <section className="card" aria-labelledby="decision-summary">
          <h2 id="decision-summary">{t('decision.summary')}</h2>
          <dl className="stats">
            <div>
              <dt>{t('decisions.verdict')}</dt>
              <dd>
                <VerdictPill verdict={d.decision} />
              </dd>
            </div>
            <div>
              <dt>{t('decisions.score')}</dt>
              <dd className="amount big" data-testid="decision-score">
                {d.score}
              </dd>
            </div>
            {d.event.amount !== undefined ? (
              <div>
                <dt>{t('decisions.amount')}</dt>
                <dd className="amount">
                  {d.event.amount} {d.event.currency ?? ''}
                </dd>
              </div>
            ) : null}
          </dl>
          <dl className="details">
            <dt>{t('decisions.type')}</dt>
            <dd>{t(`type.${d.eventType}`)}</dd>
            <dt>{t('decisions.customer')}</dt>
            <dd className="mono">{d.customerId}</dd>
            <dt>{t('decision.event')}</dt>
            <dd className="mono">{d.eventId}</dd>
            <dt>{t('decisions.time')}</dt>
            <dd>{formatDateTime(d.eventAt, locale, environment.timeZone)}</dd>
            <dt>{t('decision.latency')}</dt>
            <dd>{t('decision.latencyValue', { us: d.latencyUs })}</dd>
            <dt>{t('decision.versions')}</dt>
            <dd className="mono small">{JSON.stringify(d.versions)}</dd>
          </dl>
          <div className="actions-row">
            <button type="button" data-testid="replay" disabled={replay.isPending} onClick={() => replay.mutate()}>
              {t('decision.replay')}
            </button>
            {replay.data ? (
              <p role="status" className={replay.data.same ? 'note ok' : 'note bad'} data-testid="replay-result">
                {replay.data.same
                  ? t('decision.replaySame')
                  : t('decision.replayDiffers', {
                      decision: replay.data.replayed.decision,
                      score: replay.data.replayed.score,
                    })}
              </p>
            ) : null}
            {replay.isError ? <ProblemView error={replay.error} /> : null}
          </div>
        </section>
        <section className="card" aria-labelledby="decision-why">
          <h2 id="decision-why">{t('decision.why')}</h2>
          {decisive.length > 0 ? (
            <>
              <h3>{t('decision.decisive')}</h3>
              <ul className="decisive" data-testid="decisive-reasons">
                {decisive.map((r) => (
                  <li key={`${r.source}-${r.code}`}>
                    {locale === 'zh-CN' ? r.zh : r.en} <small className="muted">· {t(`source.${r.source}`)}</small>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {contributions.length > 0 || d.score > 0 ? (
            <Waterfall reasons={contributions} score={d.score} />
          ) : decisive.length === 0 ? (
            <p>{t('decision.noReasons')}</p>
          ) : null}
        </section>
      </div>
      <section className="card" aria-labelledby="decision-rules">
        <h2 id="decision-rules">{t('decision.rules')}</h2>
        {d.matchedRules.length === 0 ? (
          <p>{t('decision.noRules')}</p>
        ) : (
          <ul data-testid="matched-rules">
            {d.matchedRules.map((m) => (
              <li key={`${m.rulesetId}-${m.ruleId}`}>
                <span className="mono">{m.ruleId}</span> · {t(`action.${m.action}`)}
                {m.points !== undefined && m.action === 'score' ? ` (+${m.points})` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <details className="card">
        <summary>{t('decision.features', { count: features.length })}</summary>
        <div className="table-wrap">
          <table className="data">
            <tbody>
              {features.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" className="mono">
                    {name}
                  </th>
                  <td className="num">{value === null ? '—' : String(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
