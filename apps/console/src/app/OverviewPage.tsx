import { Suspense } from 'react';
import { AREAS } from '../areas/index.ts';
import { hasScope } from './areas.ts';
import { useCoreMessages } from './messages.ts';
import { Loading } from './Problem.tsx';
import { useSessionInfo } from './session.ts';

/** The home page: each area the user may see contributes its live card (ledger today; payments, risk… as they land). */
export function OverviewPage() {
  const t = useCoreMessages();
  const { scopes } = useSessionInfo();
  const cards = AREAS.filter((area) => area.overview !== undefined && hasScope(scopes, area.scope));
  return (
    <>
      <h1>{t('overview.title')}</h1>
      <p className="muted">{t('overview.intro')}</p>
      {cards.length === 0 ? <p>{t('overview.empty')}</p> : null}
      {cards.map((area) => {
        const Card = area.overview;
        return Card === undefined ? null : (
          <Suspense key={area.path} fallback={<Loading />}>
            <Card />
          </Suspense>
        );
      })}
    </>
  );
}
