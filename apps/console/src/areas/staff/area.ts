import type { AreaDefinition } from '../../app/areas.ts';
import { staffMessages } from './messages.ts';

/** Staff users and their roles: administrators only (`admin`). */
export const staffArea: AreaDefinition = {
  path: 'staff',
  label: { en: staffMessages.en.nav, 'zh-CN': staffMessages['zh-CN'].nav },
  scope: 'admin',
  icon: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 8c0-3.3 3.6-6 8-6s8 2.7 8 6z',
  routes: [{ index: true, lazy: async () => ({ Component: (await import('./StaffPage.tsx')).StaffPage }) }],
};
