// Risk: the decision explorer with explanations, and the review queue for staff holding risk:cases.
import type { AreaDefinition } from '../../app/areas.ts';
import { riskMessages } from './messages.ts';

export const riskArea: AreaDefinition = {
  path: 'risk',
  label: { en: riskMessages.en.nav, 'zh-CN': riskMessages['zh-CN'].nav },
  scope: 'risk:read',
  icon: 'M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5z',
  routes: [
    { index: true, lazy: async () => ({ Component: (await import('./DecisionsPage.tsx')).DecisionsPage }) },
    { path: 'decisions/:id', lazy: async () => ({ Component: (await import('./DecisionPage.tsx')).DecisionPage }) },
    { path: 'cases', lazy: async () => ({ Component: (await import('./CasesPage.tsx')).CasesPage }) },
    { path: 'cases/:id', lazy: async () => ({ Component: (await import('./CasePage.tsx')).CasePage }) },
  ],
};
