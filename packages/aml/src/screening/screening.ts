import { parseBirthDate } from './birth-date.ts';
import type { ScreeningSubject } from './match.ts';
import { type NormalizedName, normalizeName } from './normalize.ts';
import { type IndexEntry, type ScreeningHit, ScreeningIndex } from './screening-index.ts';

/** Default score at or above which a candidate is reported as a match. */
export const DEFAULT_THRESHOLD = 0.905;
/** Aliases kept per entry. */
export const ALIASES_MAX = 32;

/** A list entry or an input as read from a file: the raw texts. */
export interface NameRecord {
  readonly fullName: string;
  readonly aliases?: readonly string[];
  /** Raw date of birth text (`YYYY-MM-DD`, `YYYY`…); unreadable text is ignored. */
  readonly dateOfBirth?: string;
  readonly nationality?: string;
}

function nationalityOf(text: string | undefined): string | undefined {
  const t = (text ?? '').trim().toUpperCase();
  return t.length === 0 ? undefined : t;
}

/** The subject the matcher compares: normalised name, parsed date of birth, nationality. */
export function subjectOf(record: NameRecord): ScreeningSubject {
  const birthDate = parseBirthDate(record.dateOfBirth) ?? undefined;
  return {
    name: normalizeName(record.fullName),
    birthDate,
    nationality: nationalityOf(record.nationality),
  };
}

/** Normalises every name and alias of a list and builds its candidate index. */
export function buildScreeningIndex(list: readonly NameRecord[]): ScreeningIndex {
  // Lists repeat names (common Chinese names above all): normalise each distinct text once.
  const normalized = new Map<string, NormalizedName>();
  const normalize = (text: string): NormalizedName => {
    let name = normalized.get(text);
    if (name === undefined) {
      name = normalizeName(text);
      normalized.set(text, name);
    }
    return name;
  };
  const entries: IndexEntry[] = list.map((record) => {
    const names = [record.fullName, ...(record.aliases ?? []).slice(0, ALIASES_MAX)]
      .filter((n) => n.trim().length > 0)
      .map(normalize);
    return {
      names,
      birthDate: parseBirthDate(record.dateOfBirth) ?? undefined,
      nationality: nationalityOf(record.nationality),
    };
  });
  return new ScreeningIndex(entries);
}

/**
 * Reviewed false positives: an input (by its normalised name and date of birth) and a list entry
 * (by its index in the list version screened) that a reviewer decided are different people.
 */
export class Whitelist {
  readonly #pairs = new Set<string>();

  static fingerprint(subject: ScreeningSubject): string {
    const dob = subject.birthDate
      ? `${subject.birthDate.year}-${subject.birthDate.month ?? ''}-${subject.birthDate.day ?? ''}`
      : '';
    return `${subject.name.tokens.map((t) => t.key).join(' ')}|${dob}`;
  }

  add(subject: ScreeningSubject, entry: number): void {
    this.#pairs.add(`${Whitelist.fingerprint(subject)}#${entry}`);
  }

  has(subject: ScreeningSubject, entry: number): boolean {
    return this.hasPair(Whitelist.fingerprint(subject), entry);
  }

  hasPair(fingerprint: string, entry: number): boolean {
    return this.#pairs.has(`${fingerprint}#${entry}`);
  }

  get size(): number {
    return this.#pairs.size;
  }
}

/** Screens one input against an index: the best entry at or above `threshold`, skipping whitelisted pairs. */
export function screenSubject(
  index: ScreeningIndex,
  subject: ScreeningSubject,
  threshold = DEFAULT_THRESHOLD,
  whitelist?: Whitelist,
): ScreeningHit {
  const fingerprint = whitelist && whitelist.size > 0 ? Whitelist.fingerprint(subject) : undefined;
  return index.screen(subject, {
    threshold,
    isWhitelisted:
      fingerprint === undefined || whitelist === undefined
        ? undefined
        : (entry) => whitelist.hasPair(fingerprint, entry),
  });
}
