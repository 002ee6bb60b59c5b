import { useId } from 'react';
import { isLocale } from './i18n.tsx';
import { useCoreMessages } from './messages.ts';
import { usePreferences } from './preferences.tsx';

/** Language names are written in their own language, as users look for them. */
const NAMES = { 'zh-CN': '中文', en: 'English' } as const;

export function LanguageSwitch() {
  const t = useCoreMessages();
  const { locale, setLocale } = usePreferences();
  const id = useId();
  return (
    <span className="language-switch">
      <label htmlFor={id}>{t('header.language')}</label>
      <select
        id={id}
        data-testid="language"
        value={locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) setLocale(e.target.value);
        }}
      >
        {Object.entries(NAMES).map(([value, name]) => (
          <option key={value} value={value} lang={value}>
            {name}
          </option>
        ))}
      </select>
    </span>
  );
}
