// Proves every console string exists in both languages: same keys, none empty, the same {placeholders} in English and Chinese, and Chinese text actually in Chinese.
import { describe, expect, it } from 'vitest';
import { ledgerMessages } from '../areas/ledger/messages.ts';
import { staffMessages } from '../areas/staff/messages.ts';
import type { MessageTables } from './i18n.tsx';
import { coreMessages } from './messages.ts';

const TABLES: Record<string, MessageTables<string>> = {
  core: coreMessages,
  ledger: ledgerMessages,
  staff: staffMessages,
};
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each(Object.entries(TABLES))('%s messages', (_name, tables) => {
  it('have the same keys and placeholders in both languages, and none is empty', () => {
    expect(Object.keys(tables['zh-CN']).sort()).toEqual(Object.keys(tables.en).sort());
    for (const [key, en] of Object.entries(tables.en)) {
      const zh = tables['zh-CN'][key] ?? '';
      expect(en.trim(), key).not.toBe('');
      expect(zh.trim(), key).not.toBe('');
      expect(placeholders(zh), key).toEqual(placeholders(en));
    }
  });

  it('are translated: every Chinese string with letters has Chinese characters', () => {
    for (const [key, zh] of Object.entries(tables['zh-CN'])) {
      if (/[A-Za-z]{4,}/.test(zh.replace(/\{\w+\}|CSRF|API|HTTP|acc_/g, ''))) {
        expect(zh, key).toMatch(/\p{Script=Han}/u);
      }
    }
  });
});
