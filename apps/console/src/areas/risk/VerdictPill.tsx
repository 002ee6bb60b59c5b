// A decision's verdict as a coloured pill with its word (never colour alone).
import { useRiskMessages } from './messages.ts';
import type { Verdict } from './types.ts';

const PILL: Readonly<Record<Verdict, string>> = { approve: 'pill-ok', review: 'pill-warn', decline: 'pill-bad' };

export function VerdictPill({ verdict }: { verdict: Verdict }) {
  const t = useRiskMessages();
  return (
    <span className={`pill ${PILL[verdict]}`} data-testid="verdict">
      {t(`verdict.${verdict}`)}
    </span>
  );
}
