import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';

/**
 * Translations without a library: each area keeps its own `messages.ts` with an English table and
 * a Chinese table typed `Record<keyof typeof en, string>`, so the compiler refuses a missing
 * translation, and `messages.test.ts` checks that both tables use the same {placeholders}.
 * (An i18n library would add tens of kilobytes for plural rules and formats we get from Intl.)
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface MessageTables<K extends string> {
  readonly en: Readonly<Record<K, string>>;
  readonly 'zh-CN': Readonly<Record<K, string>>;
}

/** Defines an area's messages; the Chinese table must have every English key. */
export function defineMessages<const E extends Record<string, string>>(
  en: E,
  zh: Readonly<Record<keyof E, string>>,
): MessageTables<Extract<keyof E, string>> {
  return { en, 'zh-CN': zh };
}

export function interpolate(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'zh-CN';
}

const LocaleContext = createContext<Locale>('en');

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export type Translate<K extends string> = (key: K, params?: Readonly<Record<string, string | number>>) => string;

/** A hook for one area's messages: `const t = useLedgerMessages(); t('accounts.title')`. */
export function messagesHook<K extends string>(tables: MessageTables<K>): () => Translate<K> {
  return function useMessages() {
    const locale = useLocale();
    const table = tables[locale];
    const translate = useCallback<Translate<K>>((key, params) => interpolate(table[key], params), [table]);
    return useMemo(() => translate, [translate]);
  };
}
