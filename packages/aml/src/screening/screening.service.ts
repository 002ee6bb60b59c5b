import type { Clock, IdGenerator } from '@zhirong/kernel';
import type { Outbox } from '@zhirong/platform';
import { AmlError } from '../errors.ts';
import type { ListRecord } from './lists.ts';
import type { MatchExplanation } from './match.ts';
import {
  type AmlDb,
  addWhitelistPair,
  type ListKind,
  type ListVersion,
  listVersions,
  loadListEntries,
  saveListVersion,
  saveScreeningResults,
  whitelistPairs,
} from './screening.repository.ts';
import { buildScreeningIndex, DEFAULT_THRESHOLD, type NameRecord, subjectOf, Whitelist } from './screening.ts';
import type { ScreeningIndex } from './screening-index.ts';

/** Emitted in the transaction that stores a new list version. */
export const LIST_LOADED_TOPIC = 'aml.list.loaded';

/** Inputs screened per call. */
export const SCREEN_BATCH_MAX = 10_000;

export interface ScreeningResult {
  /** 0-based position of the input in the call. */
  readonly input: number;
  /** Position of the matched entry in the list version, or null. */
  readonly match: number | null;
  readonly score: number;
  readonly explanation: MatchExplanation | null;
  /** Id of the stored result row. */
  readonly resultId: string;
  /** Stable key of the matched entry across list versions, or null. */
  readonly entryKey: string | null;
}

interface LoadedVersion {
  readonly version: ListVersion;
  readonly index: ScreeningIndex;
  readonly entryKeys: readonly string[];
}

/**
 * Screening against stored lists: load a list (a new version each time, stamped with the time),
 * screen a batch of names against its latest version (results stored with their features), and
 * whitelist a reviewed false positive so that the pair is skipped from then on, in later versions
 * too. The index of a version is built once and kept while it is the latest.
 */
export class AmlScreeningService {
  readonly #db: AmlDb;
  readonly #deps: { ids: IdGenerator; clock: Clock };
  readonly #loaded = new Map<string, LoadedVersion>();

  readonly #outbox: Outbox | undefined;

  constructor(deps: { db: AmlDb; ids: IdGenerator; clock: Clock; outbox?: Outbox }) {
    this.#db = deps.db;
    this.#deps = { ids: deps.ids, clock: deps.clock };
    this.#outbox = deps.outbox;
  }

  async loadList(input: {
    listName: string;
    kind: ListKind;
    sourceFormat: 'csv' | 'ftm';
    sourceName: string;
    records: readonly ListRecord[];
  }): Promise<ListVersion> {
    if (input.records.length === 0) throw new AmlError('list_empty', { file: input.sourceName });
    return saveListVersion(this.#db, this.#deps, input, async (trx, version) => {
      // Re-screening of the customers against the new version is wired on this event (packages/flows).
      await this.#outbox?.enqueue(trx, [
        {
          topic: LIST_LOADED_TOPIC,
          key: version.versionId,
          payload: { list: version.listName, version: version.version, versionId: version.versionId },
        },
      ]);
    });
  }

  async versions(listName: string): Promise<ListVersion[]> {
    return listVersions(this.#db, listName);
  }

  async #latest(listName: string): Promise<LoadedVersion> {
    const [version] = await this.versions(listName);
    if (version === undefined) throw new AmlError('list_not_found', { list: listName });
    const cached = this.#loaded.get(listName);
    if (cached?.version.versionId === version.versionId) return cached;
    const entries = await loadListEntries(this.#db, version.versionId);
    const loaded = { version, index: buildScreeningIndex(entries), entryKeys: entries.map((e) => e.entryKey) };
    this.#loaded.set(listName, loaded);
    return loaded;
  }

  /** Screens `inputs` against the latest version of the list and stores the results. */
  async screen(
    listName: string,
    inputs: readonly NameRecord[],
    threshold = DEFAULT_THRESHOLD,
  ): Promise<{ version: ListVersion; results: ScreeningResult[] }> {
    if (!(threshold >= 0 && threshold <= 1)) throw new AmlError('threshold_invalid');
    if (inputs.length > SCREEN_BATCH_MAX) throw new AmlError('screen_batch_too_large', { max: SCREEN_BATCH_MAX });
    const loaded = await this.#latest(listName);
    const pairs = new Set(
      (await whitelistPairs(this.#db, loaded.version.listId)).map((p) => `${p.inputFingerprint}#${p.entryKey}`),
    );
    const hits = inputs.map((record, i) => {
      if (record.fullName.trim().length === 0) throw new AmlError('name_missing', { file: 'request', row: i });
      const subject = subjectOf(record);
      const fingerprint = Whitelist.fingerprint(subject);
      const hit = loaded.index.screen(subject, {
        threshold,
        isWhitelisted: pairs.size === 0 ? undefined : (entry) => pairs.has(`${fingerprint}#${loaded.entryKeys[entry]}`),
      });
      return { input: i, match: hit.entry, score: hit.score, explanation: hit.explanation };
    });
    const resultIds = await saveScreeningResults(
      this.#db,
      this.#deps,
      loaded.version.versionId,
      hits.map((r, i) => ({
        inputName: inputs[i]?.fullName ?? '',
        inputDateOfBirth: inputs[i]?.dateOfBirth,
        inputNationality: inputs[i]?.nationality,
        entryPosition: r.match,
        score: r.score,
        threshold,
        explanation: r.explanation,
      })),
    );
    const results = hits.map(
      (h, i): ScreeningResult => ({
        ...h,
        resultId: resultIds[i] as string,
        entryKey: h.match === null ? null : (loaded.entryKeys[h.match] ?? null),
      }),
    );
    return { version: loaded.version, results };
  }

  /** Marks (input, entry at `entryPosition` of the latest version) as a reviewed false positive. */
  async whitelist(
    listName: string,
    input: NameRecord,
    entryPosition: number,
    review: { reviewer: string; reason: string },
  ): Promise<void> {
    const loaded = await this.#latest(listName);
    const key = loaded.entryKeys[entryPosition];
    if (key === undefined) throw new AmlError('list_entry_not_found', { list: listName, position: entryPosition });
    await addWhitelistPair(this.#db, this.#deps, {
      listId: loaded.version.listId,
      inputFingerprint: Whitelist.fingerprint(subjectOf(input)),
      entryKey: key,
      reviewer: review.reviewer,
      reason: review.reason,
    });
  }
}
