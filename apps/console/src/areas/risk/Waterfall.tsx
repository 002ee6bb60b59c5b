// The explanation chart of a risk decision: each reason's points laid end to end up to the score.
import { useLocale } from '../../app/i18n.tsx';
import { useRiskMessages } from './messages.ts';
import { type Reason, waterfall } from './types.ts';

const WIDTH = 640;
const ROW = 30;
const LABEL = 0;
const PAD = 8;

/**
 * A contribution waterfall: bars in red raise the score, green lower it, the last bar is what the
 * listed reasons do not account for (the model's base and smaller contributions, clamping). The
 * same figures are in the list beside it, so nothing depends on seeing colour or the chart.
 */
export function Waterfall({ reasons, score }: { reasons: readonly Reason[]; score: number }) {
  const t = useRiskMessages();
  const locale = useLocale();
  const { steps, rest, low, high } = waterfall(reasons, score);
  const rows = [...steps, ...(rest ? [rest] : [])];
  const height = rows.length * ROW + 2 * PAD + 18;
  const x = (value: number) => LABEL + PAD + ((value - low) / (high - low || 1)) * (WIDTH - LABEL - 2 * PAD);
  const text = (r: Reason) => (r.code === '' ? t('waterfall.rest') : locale === 'zh-CN' ? r.zh : r.en);
  return (
    <figure className="chart-figure waterfall" data-testid="waterfall">
      <figcaption>{t('waterfall.caption', { score })}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={t('waterfall.caption', { score })}
        preserveAspectRatio="xMinYMin meet"
      >
        {[0, 1000].map((tick) => (
          <g key={tick}>
            <line x1={x(tick)} x2={x(tick)} y1={PAD} y2={height - 18} className="axis" />
            <text x={x(tick)} y={height - 4} textAnchor={tick === 0 ? 'start' : 'end'} className="tick">
              {tick}
            </text>
          </g>
        ))}
        {rows.map((step, i) => {
          const left = x(Math.min(step.from, step.to));
          const width = Math.max(2, Math.abs(x(step.to) - x(step.from)));
          const up = step.to >= step.from;
          return (
            <g key={`${step.reason.source}-${step.reason.code}-${i}`}>
              <rect
                x={left}
                y={PAD + i * ROW + 4}
                width={width}
                height={ROW - 10}
                className={step.reason.code === '' ? 'bar-rest' : up ? 'bar-up' : 'bar-down'}
              />
              <text x={left + width + 4} y={PAD + i * ROW + ROW / 2 + 4} className="bar-label">
                {up ? '+' : '−'}
                {Math.abs(step.to - step.from)}
              </text>
            </g>
          );
        })}
      </svg>
      <ol className="reasons" data-testid="reasons">
        {rows.map((step, i) => (
          <li key={`${step.reason.code}-${i}`}>
            <span className={step.to >= step.from ? 'points up' : 'points down'}>
              {step.to >= step.from ? '+' : '−'}
              {Math.abs(step.to - step.from)}
            </span>{' '}
            {text(step.reason)}
            {step.reason.code !== '' ? <small className="muted"> · {t(`source.${step.reason.source}`)}</small> : null}
          </li>
        ))}
      </ol>
    </figure>
  );
}
