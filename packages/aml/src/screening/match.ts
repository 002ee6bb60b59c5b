import { editDistance } from './distance.ts';
import type { NameToken, NormalizedName } from './normalize.ts';

/** A date of birth as far as it is known: a year, a year and month, or a full date. */
export interface BirthDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

/** A person or organisation to compare: a normalised name and the optional qualifiers. */
export interface ScreeningSubject {
  readonly name: NormalizedName;
  readonly birthDate?: BirthDate | undefined;
  /** Upper-case country code or name as given. */
  readonly nationality?: string | undefined;
}

export type TokenMatchKind = 'exact' | 'variant' | 'typo' | 'initial';

/** How one input token lined up with one list token. */
export interface TokenMatch {
  readonly input: string;
  readonly entry: string;
  readonly kind: TokenMatchKind;
  /** 0–1. */
  readonly similarity: number;
  /** Letters edited (typo) or 0. */
  readonly edits: number;
}

export type BirthDateOutcome =
  | 'missing'
  | 'missing_in_entry'
  | 'exact'
  | 'same_year'
  | 'different_day'
  | 'shifted_year'
  | 'near_year'
  | 'different';
export type NationalityOutcome = 'missing' | 'same' | 'different';

/** A score with the features that produced it. */
export interface MatchExplanation {
  /** Final score, 0–1: the name score moved up or down by the qualifiers. */
  readonly score: number;
  /** The score before it is limited to 0–1: ranks candidates that both reach 1. */
  readonly rank: number;
  /** 0–1 from the names alone. */
  readonly nameScore: number;
  /** `tokens`: word by word; `joined`: the words written together ("zhangwei" against "Zhang Wei"). */
  readonly method: 'tokens' | 'joined';
  readonly tokens: readonly TokenMatch[];
  readonly unmatchedInput: readonly string[];
  readonly unmatchedEntry: readonly string[];
  readonly birthDate: BirthDateOutcome;
  readonly nationality: NationalityOutcome;
}

/** Score change for each date-of-birth outcome. A birth year two or more apart rules a match out. */
export const BIRTH_DATE_ADJUSTMENT: Readonly<Record<BirthDateOutcome, number>> = {
  missing: 0,
  missing_in_entry: -0.02,
  exact: 0.06,
  same_year: 0.01,
  different_day: -0.12,
  shifted_year: -0.01,
  near_year: -0.15,
  different: -0.5,
};
export const NATIONALITY_ADJUSTMENT: Readonly<Record<NationalityOutcome, number>> = {
  missing: 0,
  same: 0.01,
  different: -0.06,
};

/** Similarity of a token pair that differ only in spelling variants (transliteration, doubled letters). */
const VARIANT_SIMILARITY = 0.97;
/** Similarity of an initial and a word starting with that letter. */
const INITIAL_SIMILARITY = 0.8;
/**
 * Cost of one edit in a token of `length` letters: a share of the length plus a floor, so that one
 * letter changed in a short word (xu / xue) costs more than in a long one.
 */
function editCost(length: number): number {
  return 1 / length + 0.02;
}
/** Swapping two neighbouring letters is a typing slip more than a different name: half an edit. */
const TRANSPOSITION_FACTOR = 0.5;
/** A word one side has and the other lacks (a middle name) weighs this share of its length. */
const UNMATCHED_WEIGHT = 0.3;
const UNMATCHED_LETTERS_MAX = 6;
/** Names that agree on a single word out of several are weak evidence. */
const SINGLE_TOKEN_FACTOR = 0.75;

/** Most edits tolerated between two strings whose longer one has `length` letters. */
export function editsAllowed(length: number): number {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  if (length <= 14) return 3;
  return 4;
}

function tokenMatch(a: NameToken, b: NameToken): TokenMatch | undefined {
  if (a.key === b.key) {
    const exact = a.text === b.text || (a.initial && b.initial);
    return {
      input: a.text,
      entry: b.text,
      kind: exact ? 'exact' : 'variant',
      similarity: exact ? 1 : VARIANT_SIMILARITY,
      edits: 0,
    };
  }
  if (a.initial || b.initial) {
    if (a.initial !== b.initial && a.key.charCodeAt(0) === b.key.charCodeAt(0)) {
      return { input: a.text, entry: b.text, kind: 'initial', similarity: INITIAL_SIMILARITY, edits: 0 };
    }
    return undefined;
  }
  // Typos are measured on the spellings as written and on the matching keys; the smaller counts
  // (a dropped letter can create a double that the key then collapses).
  let length = Math.max(a.text.length, b.text.length);
  let allowed = editsAllowed(length);
  let d = editDistance(a.text, b.text, allowed);
  let typoA = a.text;
  let typoB = b.text;
  if (a.key !== a.text || b.key !== b.text) {
    const keyLength = Math.max(a.key.length, b.key.length);
    const keyAllowed = editsAllowed(keyLength);
    const keyD = editDistance(a.key, b.key, keyAllowed);
    if (keyD <= keyAllowed && (d > allowed || keyD < d)) {
      d = keyD;
      length = keyLength;
      allowed = keyAllowed;
      typoA = a.key;
      typoB = b.key;
    }
  }
  if (d > allowed) return undefined;
  const cost =
    d === 1 && isTransposition(typoA, typoB) ? TRANSPOSITION_FACTOR * editCost(length) : d * editCost(length);
  return { input: a.text, entry: b.text, kind: 'typo', similarity: Math.max(0, 1 - cost), edits: d };
}

/** The two strings differ only by two neighbouring letters swapped. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Short words weigh like four letters: "Hu" says as much about a person as "Zhang". */
const TOKEN_WEIGHT_MIN = 4;

function tokenWeight(t: NameToken): number {
  return Math.max(TOKEN_WEIGHT_MIN, t.key.length);
}

interface TokenAlignment {
  readonly score: number;
  readonly pairs: TokenMatch[];
  readonly unmatchedInput: string[];
  readonly unmatchedEntry: string[];
}

/** Greedy best-first alignment of the two token lists (names have at most 8 tokens). */
function alignTokens(input: readonly NameToken[], entry: readonly NameToken[]): TokenAlignment {
  const candidates: { i: number; j: number; match: TokenMatch; weight: number }[] = [];
  for (let i = 0; i < input.length; i++) {
    for (let j = 0; j < entry.length; j++) {
      const a = input[i] as NameToken;
      const b = entry[j] as NameToken;
      const match = tokenMatch(a, b);
      if (match) {
        const weight = Math.max(tokenWeight(a), tokenWeight(b));
        candidates.push({ i, j, match, weight });
      }
    }
  }
  candidates.sort((x, y) => y.match.similarity - x.match.similarity || y.weight - x.weight || x.i - y.i || x.j - y.j);
  const usedInput = new Uint8Array(input.length);
  const usedEntry = new Uint8Array(entry.length);
  const pairs: TokenMatch[] = [];
  let matched = 0;
  let total = 0;
  for (const c of candidates) {
    if (usedInput[c.i] === 1 || usedEntry[c.j] === 1) continue;
    usedInput[c.i] = 1;
    usedEntry[c.j] = 1;
    pairs.push(c.match);
    matched += c.match.similarity * c.weight;
    total += c.weight;
  }
  const unmatchedInput: string[] = [];
  const unmatchedEntry: string[] = [];
  let unmatchedWeight = 0;
  input.forEach((t, i) => {
    if (usedInput[i] === 0) {
      unmatchedInput.push(t.text);
      unmatchedWeight += tokenWeight(t);
    }
  });
  entry.forEach((t, j) => {
    if (usedEntry[j] === 0) {
      unmatchedEntry.push(t.text);
      unmatchedWeight += tokenWeight(t);
    }
  });
  // A word only one side has is a missing middle name; words on both sides left unpaired disagree.
  const conflicting = unmatchedInput.length > 0 && unmatchedEntry.length > 0;
  // A missing middle name costs at most as much as a six-letter word (patronymics are long).
  total += conflicting ? unmatchedWeight : UNMATCHED_WEIGHT * Math.min(unmatchedWeight, UNMATCHED_LETTERS_MAX);
  let score = total === 0 ? 0 : matched / total;
  const informative = pairs.filter((p) => p.kind !== 'initial').length;
  if (pairs.length === 0 || informative === 0) score = 0;
  else if (pairs.length === 1 && Math.max(input.length, entry.length) >= 2) score *= SINGLE_TOKEN_FACTOR;
  return { score, pairs, unmatchedInput, unmatchedEntry };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const out: T[][] = [];
  items.forEach((item, i) => {
    const rest = items.filter((_, k) => k !== i);
    for (const p of permutations(rest)) out.push([item, ...p]);
  });
  return out;
}

/** The name written as one word, in the input's order against every order of the entry's words. */
function joinedScore(input: readonly NameToken[], entry: readonly NameToken[]): number {
  const a = input.map((t) => t.key).join('');
  const entryKeys = entry.map((t) => t.key);
  const orders = entryKeys.length <= 3 ? permutations(entryKeys) : [entryKeys, entryKeys.slice().reverse()];
  let best = 0;
  for (const order of orders) {
    const b = order.join('');
    const length = Math.max(a.length, b.length);
    if (length === 0) continue;
    const allowed = editsAllowed(length);
    const d = editDistance(a, b, allowed);
    if (d > allowed) continue;
    const s = 1 - d * editCost(length) - (d === 0 ? 0 : 0.01);
    if (s > best) best = s;
  }
  return best;
}

/** Compares two dates of birth. */
export function compareBirthDates(a: BirthDate | undefined, b: BirthDate | undefined): BirthDateOutcome {
  if (a === undefined || b === undefined) return a !== undefined ? 'missing_in_entry' : 'missing';
  const years = Math.abs(a.year - b.year);
  if (years >= 2) return 'different';
  const bothFull = a.month !== undefined && b.month !== undefined;
  const sameMonthDay = bothFull
    ? a.month === b.month && (a.day === undefined || b.day === undefined || a.day === b.day)
    : true;
  if (years === 1) return sameMonthDay ? 'shifted_year' : 'near_year';
  if (!bothFull || a.day === undefined || b.day === undefined) return sameMonthDay ? 'same_year' : 'different_day';
  return sameMonthDay ? 'exact' : 'different_day';
}

function compareNationality(a: string | undefined, b: string | undefined): NationalityOutcome {
  if (a === undefined || b === undefined || a.length === 0 || b.length === 0) return 'missing';
  return a === b ? 'same' : 'different';
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Scores how likely `input` and `entry` name the same person: names compared token by token
 * (exact, spelling variant, initial, or within a few edits) in any order, or written together;
 * then the date of birth and nationality move the score up or down.
 */
export function scoreMatch(input: ScreeningSubject, entry: ScreeningSubject): MatchExplanation {
  const birthDate = compareBirthDates(input.birthDate, entry.birthDate);
  const nationality = compareNationality(input.nationality, entry.nationality);
  const aligned = alignTokens(input.name.tokens, entry.name.tokens);
  let nameScore = aligned.score;
  let method: 'tokens' | 'joined' = 'tokens';
  if (input.name.tokens.length !== entry.name.tokens.length && input.name.tokens.length > 0) {
    const joined = joinedScore(input.name.tokens, entry.name.tokens);
    if (joined > nameScore) {
      nameScore = joined;
      method = 'joined';
    }
  }
  const adjusted = nameScore + BIRTH_DATE_ADJUSTMENT[birthDate] + NATIONALITY_ADJUSTMENT[nationality];
  return {
    score: round4(Math.min(1, Math.max(0, adjusted))),
    rank: adjusted,
    nameScore: round4(nameScore),
    method,
    tokens: aligned.pairs,
    unmatchedInput: aligned.unmatchedInput,
    unmatchedEntry: aligned.unmatchedEntry,
    birthDate,
    nationality,
  };
}
