import * as OpenCC from 'opencc-js/t2cn';
import { pinyin } from 'pinyin-pro';
import {
  COMPOUND_SURNAMES,
  collapseDoubles,
  HAN_HONORIFICS,
  HONORIFICS,
  PARTICLES,
  VARIANT_CANONICAL,
  WADE_GILES,
} from './variants.ts';

/** One word of a name after normalisation. */
export interface NameToken {
  /** Folded spelling: lower-case ASCII letters and digits, as written (pinyin for Chinese characters). */
  readonly text: string;
  /** Matching key: doubled letters written once, transliteration variants folded onto one spelling. */
  readonly key: string;
  /** A single letter (an initial such as the W of "W. Zhang"). */
  readonly initial: boolean;
}

export interface NormalizedName {
  readonly tokens: readonly NameToken[];
  /** The name was written in Chinese characters (converted to pinyin). */
  readonly han: boolean;
}

/** Longest name text looked at, in characters; a limit on work per name. */
export const NAME_LENGTH_MAX = 300;
/** Most tokens kept per name. */
export const NAME_TOKENS_MAX = 8;

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const HAN_ALL = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g;
const MARKS = /\p{M}/gu;
/** Letters NFKD does not decompose. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ı: 'i',
  þ: 'th',
  ŀ: 'l',
};
const SPECIAL = /[ßøæœđðłıþŀ]/g;

const UMLAUT_SPELLED = /([aou])e(?=[^aeiou]|$)/g;

/** Cyrillic letters in the common English (BGN/PCGN-like) romanisation. */
const CYRILLIC_LATIN: Readonly<Record<string, string>> = Object.fromEntries(
  (
    'а a б b в v г g д d е e ё e ж zh з z и i й y к k л l м m н n о o п p р r с s т t у u ф f х kh ц ts ' +
    'ч ch ш sh щ shch ъ _ ы y ь _ э e ю yu я ya і i ї yi є ye ґ g ў u'
  )
    .split(' ')
    .reduce<[string, string][]>((pairs, item, i, all) => {
      if (i % 2 === 0) pairs.push([item, (all[i + 1] as string).replace('_', '')]);
      return pairs;
    }, []),
);
const CYRILLIC = /[\u0400-\u04ff]/g;

let toSimplified: ((text: string) => string) | undefined;

/** Traditional → simplified Chinese (OpenCC), built on first use. */
export function simplifiedChinese(text: string): string {
  const convert = toSimplified ?? OpenCC.Converter({ from: 't', to: 'cn' });
  toSimplified = convert;
  return convert(text);
}

function makeToken(word: Word): NameToken {
  const text = word.text;
  const collapsed = collapseDoubles(word.keySource);
  const canonical = VARIANT_CANONICAL.get(collapsed);
  // German umlauts written out (Mueller, Schroeder) key like the folded letter (Muller, Schroder).
  const key = canonical ?? (collapsed.length >= 4 ? collapsed.replace(UMLAUT_SPELLED, '$1') : collapsed);
  return { text, key, initial: text.length === 1 };
}

/** Lower-case, accents removed (NFKD), special letters spelled out. */
export function foldLatin(text: string): string {
  return text
    .toLowerCase()
    .replace(CYRILLIC, (c) => CYRILLIC_LATIN[c] ?? c)
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(SPECIAL, (c) => SPECIAL_LETTERS[c] ?? c);
}

function hanTokens(han: string): string[] {
  let text = simplifiedChinese(han);
  for (const honorific of HAN_HONORIFICS) {
    if (text.length > honorific.length + 1 && text.endsWith(honorific)) text = text.slice(0, -honorific.length);
  }
  // Foreign names in characters separate their parts with a middle dot: 阿卜杜拉·阿齐兹.
  const parts = text.split(/[·•・.\s]+/).filter((p) => p.length > 0);
  if (parts.length > 1) {
    return parts.map((p) => pinyin(p, { toneType: 'none', type: 'array' }).join('')).map(foldLatin);
  }
  const syllables = pinyin(text, { toneType: 'none', type: 'array', mode: 'surname' }).map(foldLatin);
  if (syllables.length <= 1) return syllables;
  const surnameLength = syllables.length > 2 && COMPOUND_SURNAMES.has(text.slice(0, 2)) ? 2 : 1;
  return [syllables.slice(0, surnameLength).join(''), syllables.slice(surnameLength).join('')];
}

interface Word {
  readonly text: string;
  /** The spelling the key is made from (Wade–Giles syllables as pinyin). */
  readonly keySource: string;
}

function latinWord(word: string): Word | undefined {
  const parts = word.split('-').filter((p) => p.length > 0);
  if (parts.length === 0) return undefined;
  while (parts.length > 1 && PARTICLES.has(parts[0] as string)) parts.shift();
  // Hyphenated syllables (Tse-tung, Kai-shek) and one-word Wade–Giles spellings key as pinyin.
  return { text: parts.join(''), keySource: parts.map((p) => WADE_GILES.get(p) ?? p).join('') };
}

/**
 * Splits a name into folded tokens: Chinese characters become pinyin (traditional characters are
 * first simplified; surname then given name, the given name's syllables joined), Latin text loses
 * accents, apostrophes and case, hyphenated parts are joined, and honorifics and Arabic articles
 * are dropped while another token remains.
 */
export function normalizeName(raw: string): NormalizedName {
  const text = raw.normalize('NFKC').slice(0, NAME_LENGTH_MAX);
  const words: Word[] = [];
  let han = false;
  let latinPart = text;
  if (HAN.test(text)) {
    const hanText = text.replace(/[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·•・]/g, '');
    const hanCount = (text.match(HAN_ALL) ?? []).length;
    const latinCount = (text.match(/[A-Za-z]/g) ?? []).length;
    if (hanCount >= latinCount) {
      han = true;
      for (const t of hanTokens(hanText)) words.push({ text: t, keySource: t });
      latinPart = text.replace(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·•・]/g, ' ');
    } else latinPart = text.replace(HAN_ALL, ' ');
  }
  const folded = foldLatin(latinPart)
    .replace(/['’‘`ʻʼ]/g, '')
    .replace(/[^a-z0-9-]+/g, ' ');
  for (const word of folded.split(' ')) {
    if (word.length === 0) continue;
    const w = latinWord(word);
    if (w !== undefined && w.text.length > 0) words.push(w);
  }
  let kept = words.filter((w) => !HONORIFICS.has(collapseDoubles(w.text)) && !PARTICLES.has(w.text));
  if (kept.length === 0) kept = words;
  return { tokens: kept.slice(0, NAME_TOKENS_MAX).map(makeToken), han };
}
