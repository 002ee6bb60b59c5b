import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { AREAS } from '../areas/index.ts';
import { api } from './api.ts';
import { hasScope } from './areas.ts';
import { environment } from './environment.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { useCoreMessages } from './messages.ts';
import { usePreferences } from './preferences.tsx';
import { useSessionInfo, useSignedOut } from './session.ts';

const OVERVIEW_ICON = 'M4 13h6V4H4zm0 7h6v-5H4zm10 0h6v-9h-6zm0-16v5h6V4z';

export function Icon({ path }: { path: string }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={path} />
    </svg>
  );
}

/** The frame of every signed-in page: header, navigation by role, the demo banner, the page. */
export function Shell() {
  const t = useCoreMessages();
  const { locale, accessible, setAccessible, setSignedIn, adoptServerPreferences } = usePreferences();
  const { staff, scopes } = useSessionInfo();
  const signedOut = useSignedOut();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const logout = useMutation({ mutationFn: () => api('DELETE', '/v1/identity/session'), onSettled: signedOut });
  const areas = AREAS.filter((area) => hasScope(scopes, area.scope));

  // Signed in: preferences follow the user to the server, and the server's remembered ones apply here.
  useEffect(() => {
    setSignedIn(true);
    adoptServerPreferences({ locale: staff.locale, accessible: staff.accessible });
    return () => setSignedIn(false);
  }, [staff.id]);

  // A page change closes the phone menu and moves focus to the page for screen readers.
  useEffect(() => {
    setMenuOpen(false);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      {environment.demo ? (
        <p className="demo-banner" role="note" data-testid="demo-banner">
          {t('demo.banner')}
        </p>
      ) : null}
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {menuOpen ? t('nav.close') : t('nav.menu')}
        </button>
        <NavLink to="/" className="brand">
          <span className="logo" aria-hidden="true">
            智
          </span>
          <span>{t('app.name')}</span>
        </NavLink>
        <div className="topbar-tools">
          <LanguageSwitch />
          <button
            type="button"
            className="toggle"
            aria-pressed={accessible}
            data-testid="accessible-toggle"
            onClick={() => setAccessible(!accessible)}
          >
            {accessible ? t('header.accessibleOn') : t('header.accessibleOff')}
          </button>
          <NavLink to="/profile" className="whoami" data-testid="whoami">
            {t('header.signedInAs', { name: staff.displayName })}
            <span className="role-badge">{t(`role.${staff.role}`)}</span>
          </NavLink>
          <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <nav id="main-nav" className={menuOpen ? 'nav open' : 'nav'} aria-label={t('nav.label')}>
        <ul>
          <li>
            <NavLink to="/" end>
              <Icon path={OVERVIEW_ICON} />
              <span>{t('nav.overview')}</span>
            </NavLink>
          </li>
          {areas.map((area) => (
            <li key={area.path}>
              <NavLink to={`/${area.path}`}>
                <Icon path={area.icon} />
                <span>{area.label[locale]}</span>
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
