import type { ComponentType, LazyExoticComponent } from 'react';
import type { RouteObject } from 'react-router';
import type { Locale } from './i18n.tsx';

/**
 * One area of the console (Ledger, Staff; later Payments, Risk, Credit, Chain): a folder under
 * `src/areas/<id>/` with its pages, its messages and an `area.ts` exporting this definition,
 * plus one line in `src/areas/index.ts`. Its pages are loaded on first visit (code-split), it
 * appears in the navigation only for staff whose role holds `scope`, and it may contribute a card
 * to the Overview. The server checks the role on every request whatever the console shows.
 */
export interface AreaDefinition {
  /** The URL segment: `/ledger/...`. */
  readonly path: string;
  /** The navigation label in each language. */
  readonly label: Readonly<Record<Locale, string>>;
  /** The scope a role must hold for the area to appear in the navigation. */
  readonly scope: string;
  /** An outline icon, 24×24 SVG path data. */
  readonly icon: string;
  /** Child routes under `/<path>`, each `lazy` so the area's code loads on first visit. */
  readonly routes: RouteObject[];
  /** A card for the Overview page, shown to staff holding `scope`. */
  readonly overview?: LazyExoticComponent<ComponentType>;
}

/** `admin` holds every scope, as on the server. */
export function hasScope(scopes: readonly string[], required: string): boolean {
  return scopes.includes(required) || scopes.includes('admin');
}
