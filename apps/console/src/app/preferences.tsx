import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setApiLocale } from './api.ts';
import { isLocale, type Locale, LocaleProvider } from './i18n.tsx';

/**
 * Language and accessible mode (适老化): remembered in localStorage on this device and, once
 * signed in, on the staff user at the server (`PUT /v1/identity/session/preferences`), so they
 * follow the user to another device.
 */
const LOCALE_KEY = 'zr.locale';
const ACCESSIBLE_KEY = 'zr.accessible';

interface Preferences {
  readonly locale: Locale;
  readonly accessible: boolean;
  setLocale(locale: Locale): void;
  setAccessible(accessible: boolean): void;
  /** Adopts the server's remembered choices for what this device has not chosen itself. */
  adoptServerPreferences(server: { locale: Locale | null; accessible: boolean | null }): void;
  /** Whether preferences are sent to the server (true while signed in). */
  setSignedIn(signedIn: boolean): void;
}

const PreferencesContext = createContext<Preferences | undefined>(undefined);

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

function initialLocale(): Locale {
  const saved = stored(LOCALE_KEY);
  if (isLocale(saved)) return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [accessible, setAccessibleState] = useState<boolean>(() => stored(ACCESSIBLE_KEY) === 'true');
  const [signedIn, setSignedIn] = useState(false);

  useEffect(() => {
    document.documentElement.lang = locale;
    setApiLocale(locale);
  }, [locale]);
  useEffect(() => {
    document.documentElement.dataset.accessible = accessible ? 'on' : 'off';
  }, [accessible]);

  const save = useCallback(
    (body: { locale?: Locale; accessible?: boolean }) => {
      if (signedIn) api('PUT', '/v1/identity/session/preferences', body).catch(() => undefined);
    },
    [signedIn],
  );

  const value = useMemo<Preferences>(
    () => ({
      locale,
      accessible,
      setLocale(next) {
        store(LOCALE_KEY, next);
        setApiLocale(next);
        setLocaleState(next);
        save({ locale: next });
      },
      setAccessible(next) {
        store(ACCESSIBLE_KEY, String(next));
        setAccessibleState(next);
        save({ accessible: next });
      },
      adoptServerPreferences(server) {
        if (server.locale !== null && !isLocale(stored(LOCALE_KEY))) {
          store(LOCALE_KEY, server.locale);
          setLocaleState(server.locale);
        }
        if (server.accessible !== null && stored(ACCESSIBLE_KEY) === null) {
          store(ACCESSIBLE_KEY, String(server.accessible));
          setAccessibleState(server.accessible);
        }
      },
      setSignedIn,
    }),
    [locale, accessible, save],
  );

  return (
    <PreferencesContext.Provider value={value}>
      <LocaleProvider locale={locale}>{children}</LocaleProvider>
    </PreferencesContext.Provider>
  );
}

export function usePreferences(): Preferences {
  const preferences = useContext(PreferencesContext);
  if (preferences === undefined) throw new Error('usePreferences outside PreferencesProvider');
  return preferences;
}
