// The Risk area's two views as tabs; the review queue only for roles holding risk:cases.
import { NavLink } from 'react-router';
import { hasScope } from '../../app/areas.ts';
import { useSessionInfo } from '../../app/session.ts';
import { useRiskMessages } from './messages.ts';

export function RiskTabs() {
  const t = useRiskMessages();
  const { scopes } = useSessionInfo();
  return (
    <nav className="tabs" aria-label={t('nav')}>
      <NavLink to="/risk" end className="tab">
        {t('nav.decisions')}
      </NavLink>
      {hasScope(scopes, 'risk:cases') ? (
        <NavLink to="/risk/cases" className="tab" data-testid="risk-cases-tab">
          {t('nav.cases')}
        </NavLink>
      ) : null}
    </nav>
  );
}
