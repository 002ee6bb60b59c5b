import { lazy } from 'react';
import type { AreaDefinition } from '../../app/areas.ts';
import { ledgerMessages } from './messages.ts';

/** Ledger: accounts, balances, statements; freeze/unfreeze for roles holding `ledger:write`. */
export const ledgerArea: AreaDefinition = {
  path: 'ledger',
  label: { en: ledgerMessages.en.nav, 'zh-CN': ledgerMessages['zh-CN'].nav },
  scope: 'ledger:read',
  icon: 'M4 5h16v3H4zm0 5h16v3H4zm0 5h10v3H4z',
  routes: [
    { index: true, lazy: async () => ({ Component: (await import('./AccountsPage.tsx')).AccountsPage }) },
    { path: 'accounts/:id', lazy: async () => ({ Component: (await import('./AccountPage.tsx')).AccountPage }) },
  ],
  overview: lazy(async () => ({ default: (await import('./OverviewCard.tsx')).LedgerOverviewCard })),
};
