import { type MatchExplanation, type ScreeningSubject, scoreMatch } from './match.ts';
import type { NameToken, NormalizedName } from './normalize.ts';

/**
 * Candidate generation for screening: an inverted index from blocking keys to the list's names,
 * so that an input is compared with the few entries that share a key, never with the whole list.
 *
 * Keys of a name (tokens are the normalised matching keys; initials are left out of A and P):
 * - A: the tokens sorted (by length, then letters) and written together, plus every string made
 *   by deleting one letter from it (a symmetric-deletion neighbourhood, as in SymSpell): two
 *   names one edit apart — a replaced, inserted, dropped or transposed letter — share a key.
 *   Two-token names also register the reverse order, so a typo that changes the sort order of
 *   the two tokens is still found. Doubled letters are already collapsed in the tokens.
 * - P: for three or more tokens, every pair written together (exact), and the tokens in their
 *   written order joined; so a name missing a middle name, or with a typo in one of three words,
 *   shares the key of the other two.
 * - I: the first letter of one token and another whole token ("w.zhang"), looked up only by inputs
 *   that contain an initial; J: the same key registered by list names that contain an initial,
 *   looked up by every input.
 * Keys are 32-bit hashes in one open table (CSR layout): a collision only adds a candidate that
 * the scorer then rejects.
 */

const SEED_A = 0x811c9dc5;
const SEED_I = 0x01000193;
const SEED_J = 0x5bd1e995;
/** Longest joined name that gets a deletion neighbourhood; longer names rely on pair keys. */
const DELETION_LENGTH_MAX = 32;
/** Tokens of a name used for the pair and initial keys. */
const KEY_TOKENS_MAX = 6;
const INITIAL_TOKENS_MAX = 4;

/** Final mix of a 32-bit hash (murmur3 fmix), so the low bits used as the bucket are well spread. */
function mix(x: number, seed: number): number {
  let h = (x ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const BASE = 0x01000193;

/** Polynomial hash Σ c_k·B^(n−1−k) mod 2^32 of `s`, mixed with the family seed. */
function hashKey(s: string, seed: number): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) | 0;
  return mix(h, seed);
}

const prefixHash = new Int32Array(DELETION_LENGTH_MAX + 2);
const suffixHash = new Int32Array(DELETION_LENGTH_MAX + 2);
const basePower = new Int32Array(DELETION_LENGTH_MAX + 2);
basePower[0] = 1;
for (let i = 1; i < basePower.length; i++) basePower[i] = Math.imul(basePower[i - 1] as number, BASE);

/**
 * The key itself and every one-letter deletion of it, in O(length): the hash of `s` without
 * letter i is prefix(i)·B^(n−1−i) + suffix(i+1), the same value `hashKey` gives that string.
 */
function pushWithDeletions(out: KeyBuffer, s: string): void {
  const n = s.length;
  if (n > DELETION_LENGTH_MAX || n < 2) {
    out.push(hashKey(s, SEED_A));
    return;
  }
  prefixHash[0] = 0;
  for (let i = 0; i < n; i++) prefixHash[i + 1] = (Math.imul(prefixHash[i] as number, BASE) + s.charCodeAt(i)) | 0;
  suffixHash[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    suffixHash[i] = (Math.imul(s.charCodeAt(i), basePower[n - 1 - i] as number) + (suffixHash[i + 1] as number)) | 0;
  }
  out.push(mix(prefixHash[n] as number, SEED_A));
  for (let i = 0; i < n; i++) {
    // Deleting either letter of a doubled pair gives the same string: hash it once.
    if (i > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1)) continue;
    const h = (Math.imul(prefixHash[i] as number, basePower[n - 1 - i] as number) + (suffixHash[i + 1] as number)) | 0;
    out.push(mix(h, SEED_A));
  }
}

function byLengthThenLetters(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function addJoinedKeys(out: KeyBuffer, full: readonly string[]): void {
  const sorted = full.slice(0, KEY_TOKENS_MAX).sort(byLengthThenLetters);
  if (sorted.length === 0) return;
  pushWithDeletions(out, sorted.join(''));
  if (sorted.length === 2) pushWithDeletions(out, `${sorted[1]}${sorted[0]}`);
  if (sorted.length >= 3) {
    out.push(hashKey(full.join(''), SEED_A));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) out.push(hashKey(`${sorted[i]}${sorted[j]}`, SEED_A));
    }
  }
}

/** A growable array of 32-bit key hashes (no boxed numbers: a million names make 35 million keys). */
export class KeyBuffer {
  hashes: Uint32Array;
  length = 0;
  constructor(capacity = 64) {
    this.hashes = new Uint32Array(capacity);
  }
  push(hash: number): void {
    if (this.length === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.length++] = hash;
  }
}

/** The blocking keys of a name, as hashes; `side` says which initial keys it registers or looks up. */
export function blockingKeys(name: NormalizedName, side: 'list' | 'input', out = new KeyBuffer()): KeyBuffer {
  const full: string[] = [];
  const initials: string[] = [];
  for (const t of name.tokens) (t.initial ? initials : full).push(t.key);
  addJoinedKeys(out, full);
  // Keys of the spelling as written too, when doubled letters or a variant table changed it: a
  // typo in "Mohammed" is one edit from "Mohammed", not from its canonical form.
  if (name.tokens.some((t) => t.key !== t.text)) {
    addJoinedKeys(
      out,
      name.tokens.filter((t) => !t.initial).map((t) => t.text),
    );
  }
  const firstFull = full.slice(0, INITIAL_TOKENS_MAX);
  if (side === 'list') {
    for (let i = 0; i < firstFull.length; i++) {
      for (let j = 0; j < firstFull.length; j++) {
        if (i !== j) out.push(hashKey(`${(firstFull[i] as string)[0]}.${firstFull[j]}`, SEED_I));
      }
    }
    for (const initial of initials.slice(0, INITIAL_TOKENS_MAX)) {
      for (const t of firstFull) out.push(hashKey(`${initial}.${t}`, SEED_J));
    }
  } else {
    for (const initial of initials.slice(0, INITIAL_TOKENS_MAX)) {
      for (const t of firstFull) out.push(hashKey(`${initial}.${t}`, SEED_I));
    }
    for (let i = 0; i < firstFull.length; i++) {
      for (let j = 0; j < firstFull.length; j++) {
        if (i !== j) out.push(hashKey(`${(firstFull[i] as string)[0]}.${firstFull[j]}`, SEED_J));
      }
    }
  }
  return out;
}

/** One entry of a list as the index holds it: its names (the first is the primary) and qualifiers. */
export interface IndexEntry {
  readonly names: readonly NormalizedName[];
  readonly birthDate?: ScreeningSubject['birthDate'];
  readonly nationality?: string | undefined;
}

/** The best match of one input. */
export interface ScreeningHit {
  /** 0-based index of the list entry, or `null` when no entry reached the threshold. */
  readonly entry: number | null;
  /** The best-scoring entry whether or not it reached the threshold (-1 when there was no candidate). */
  readonly bestEntry: number;
  /** Score of the best candidate (reported even below the threshold; 0 when there was none). */
  readonly score: number;
  /** Which of the entry's names matched best (0 is the primary name). */
  readonly nameIndex: number;
  readonly explanation: MatchExplanation | null;
  /** Candidates scored (after the date-of-birth filter). */
  readonly candidates: number;
}

export interface ScreenOptions {
  /** Score at or above which a candidate is a match; 0–1. */
  readonly threshold: number;
  /** Pairs a reviewer marked as false positives: skipped when this returns true. */
  readonly isWhitelisted?: (entry: number) => boolean;
}

export class ScreeningIndex {
  readonly entries: readonly IndexEntry[];
  /** Record → entry and name index (one record per name of an entry). */
  readonly #recordEntry: Int32Array;
  readonly #recordName: Uint8Array;
  readonly #recordNames: NormalizedName[];
  readonly #offsets: Uint32Array;
  readonly #postings: Int32Array;
  readonly #mask: number;
  readonly #birthYear: Int16Array;
  #seen: Uint32Array;
  readonly #queryKeys = new KeyBuffer();
  #stamp = 0;
  readonly keyCount: number;

  constructor(entries: readonly IndexEntry[]) {
    this.entries = entries;
    let records = 0;
    for (const e of entries) records += Math.max(1, e.names.length);
    this.#recordEntry = new Int32Array(records);
    this.#recordName = new Uint8Array(records);
    this.#recordNames = new Array(records);
    this.#birthYear = new Int16Array(entries.length);
    const keyBuffer = new KeyBuffer(Math.max(1024, records * 40));
    let keyRecords = new Int32Array(keyBuffer.hashes.length);
    let r = 0;
    entries.forEach((entry, e) => {
      this.#birthYear[e] = entry.birthDate?.year ?? 0;
      entry.names.forEach((name, n) => {
        this.#recordEntry[r] = e;
        this.#recordName[r] = Math.min(n, 255);
        this.#recordNames[r] = name;
        const start = keyBuffer.length;
        blockingKeys(name, 'list', keyBuffer);
        if (keyRecords.length < keyBuffer.hashes.length) {
          const grown = new Int32Array(keyBuffer.hashes.length);
          grown.set(keyRecords);
          keyRecords = grown;
        }
        keyRecords.fill(r, start, keyBuffer.length);
        r++;
      });
    });
    const keyHashes = keyBuffer.hashes;
    const keys = keyBuffer.length;
    this.keyCount = keys;
    let buckets = 1024;
    while (buckets < keys && buckets < 1 << 26) buckets <<= 1;
    this.#mask = buckets - 1;
    const offsets = new Uint32Array(buckets + 1);
    for (let k = 0; k < keys; k++) (offsets[((keyHashes[k] as number) & this.#mask) + 1] as number)++;
    for (let b = 0; b < buckets; b++) offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
    const cursor = offsets.slice(0, buckets);
    const postings = new Int32Array(keys);
    for (let k = 0; k < keys; k++) {
      const b = (keyHashes[k] as number) & this.#mask;
      postings[cursor[b] as number] = keyRecords[k] as number;
      cursor[b] = (cursor[b] as number) + 1;
    }
    this.#offsets = offsets;
    this.#postings = postings;
    this.#seen = new Uint32Array(records);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Record ids sharing at least one blocking key with the name (deduplicated). */
  candidates(name: NormalizedName): number[] {
    const stamp = this.#nextStamp();
    this.#queryKeys.length = 0;
    const out: number[] = [];
    const keys = blockingKeys(name, 'input', this.#queryKeys);
    for (let k = 0; k < keys.length; k++) {
      const b = (keys.hashes[k] as number) & this.#mask;
      const end = this.#offsets[b + 1] as number;
      for (let p = this.#offsets[b] as number; p < end; p++) {
        const record = this.#postings[p] as number;
        if (this.#seen[record] === stamp) continue;
        this.#seen[record] = stamp;
        out.push(record);
      }
    }
    return out;
  }

  #nextStamp(): number {
    this.#stamp++;
    if (this.#stamp === 0xffffffff) {
      this.#seen.fill(0);
      this.#stamp = 1;
    }
    return this.#stamp;
  }

  /** Entry and name index of a record returned by `candidates`. */
  record(record: number): { entry: number; nameIndex: number } {
    return { entry: this.#recordEntry[record] as number, nameIndex: this.#recordName[record] as number };
  }

  /** The best-scoring entry for `input` among the candidates of its name. */
  screen(input: ScreeningSubject, options: ScreenOptions): ScreeningHit {
    const year = input.birthDate?.year ?? 0;
    let best: MatchExplanation | null = null;
    let bestEntry = -1;
    let bestName = 0;
    let scored = 0;
    for (const record of this.candidates(input.name)) {
      const e = this.#recordEntry[record] as number;
      const entryYear = this.#birthYear[e] as number;
      // Birth years two or more apart rule a match out: skip before scoring.
      if (year !== 0 && entryYear !== 0 && Math.abs(year - entryYear) >= 2) continue;
      if (options.isWhitelisted?.(e)) continue;
      const entry = this.entries[e] as IndexEntry;
      scored++;
      const explanation = scoreMatch(input, {
        name: this.#recordNames[record] as NormalizedName,
        birthDate: entry.birthDate,
        nationality: entry.nationality,
      });
      if (best === null || explanation.rank > best.rank || (explanation.rank === best.rank && e < bestEntry)) {
        best = explanation;
        bestEntry = e;
        bestName = this.#recordName[record] as number;
      }
    }
    const matched = best !== null && best.score >= options.threshold;
    return {
      entry: matched ? bestEntry : null,
      bestEntry,
      score: best?.score ?? 0,
      nameIndex: matched ? bestName : 0,
      explanation: best,
      candidates: scored,
    };
  }

  /** Every entry scored, without the index: the reference the index's recall is tested against. */
  screenFullScan(input: ScreeningSubject, options: ScreenOptions): ScreeningHit {
    let best: MatchExplanation | null = null;
    let bestEntry = -1;
    let bestName = 0;
    this.entries.forEach((entry, e) => {
      if (options.isWhitelisted?.(e)) return;
      entry.names.forEach((name, n) => {
        const explanation = scoreMatch(input, { name, birthDate: entry.birthDate, nationality: entry.nationality });
        if (best === null || explanation.rank > best.rank) {
          best = explanation;
          bestEntry = e;
          bestName = n;
        }
      });
    });
    const found = best as MatchExplanation | null;
    const matched = found !== null && found.score >= options.threshold;
    return {
      entry: matched ? bestEntry : null,
      bestEntry,
      score: found?.score ?? 0,
      nameIndex: matched ? bestName : 0,
      explanation: found,
      candidates: this.entries.length,
    };
  }
}

/** Tokens for display in a feature list. */
export function tokenTexts(tokens: readonly NameToken[]): string[] {
  return tokens.map((t) => t.text);
}
