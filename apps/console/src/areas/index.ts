import type { AreaDefinition } from '../app/areas.ts';
import { ledgerArea } from './ledger/area.ts';
import { riskArea } from './risk/area.ts';
import { staffArea } from './staff/area.ts';

/**
 * The console's areas, in navigation order. Adding one (Payments, Risk, Credit, Chain) is a folder
 * `src/areas/<name>/` with an `area.ts`, and one line here — once its API exists.
 */
export const AREAS: readonly AreaDefinition[] = [ledgerArea, riskArea, staffArea];
