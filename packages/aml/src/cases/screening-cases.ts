// Screening that opens cases: customers at onboarding, a payment's new counterparty, and every customer again when a list version is loaded; each hit opens (at most) one case.
import { sql } from 'kysely';
import type { AmlKycService } from '../kyc/kyc.service.ts';
import type { KycProfile } from '../kyc/rating.ts';
import type { AmlScreeningService, ScreeningResult } from '../screening/screening.service.ts';
import type { NameRecord } from '../screening/screening.ts';
import type { AmlCase, AmlDeps } from './case.ts';
import type { AmlCaseService } from './cases.service.ts';

export const SCREENING_SOURCES = ['onboarding', 'payment_counterparty', 'rescreen'] as const;
export type ScreeningSource = (typeof SCREENING_SOURCES)[number];

export interface ScreeningCandidate {
  /** The customer the case is about (for a counterparty: the customer who pays it). */
  readonly customerId: string;
  readonly person: NameRecord;
  readonly source: ScreeningSource;
  /** A stable key of the counterparty when the person screened is one (account, IBAN or name). */
  readonly counterpartyKey?: string;
  /** What triggered the screening (a payment id), kept in the case's evidence. */
  readonly reference?: string;
}

/** Customers screened per page when a list changes. */
const RESCREEN_PAGE = 1000;

export interface ScreeningOutcome {
  readonly screened: number;
  readonly hits: number;
  readonly cases: readonly { case: AmlCase; created: boolean }[];
}

export class AmlScreeningCases {
  constructor(
    readonly deps: AmlDeps,
    readonly screening: AmlScreeningService,
    readonly cases: AmlCaseService,
    readonly kyc: AmlKycService,
  ) {}

  async listNames(): Promise<string[]> {
    const result = await sql<{ name: string }>`
      select l.name from aml.lists l where exists (select 1 from aml.list_versions v where v.list_id = l.id)
      order by l.name`.execute(this.deps.db);
    return result.rows.map((r) => r.name);
  }

  /**
   * Screens the candidates against the latest version of each list (all lists when none is named)
   * and opens a case per hit. A hit's case subject is stable across list versions — list, entry
   * key, customer and counterparty — so the same hit found again never opens a second case.
   */
  async screen(
    candidates: readonly ScreeningCandidate[],
    by: string,
    lists?: readonly string[],
  ): Promise<ScreeningOutcome> {
    if (candidates.length === 0) return { screened: 0, hits: 0, cases: [] };
    const names = lists ?? (await this.listNames());
    let hits = 0;
    const opened: { case: AmlCase; created: boolean }[] = [];
    for (const list of names) {
      const { version, results } = await this.screening.screen(
        list,
        candidates.map((c) => c.person),
      );
      const found = results.filter((r): r is ScreeningResult & { entryKey: string } => r.entryKey !== null);
      hits += found.length;
      const inputs = found.map((r) => {
        const c = candidates[r.input] as ScreeningCandidate;
        return {
          subject: {
            kind: 'screening_hit' as const,
            id: `${list}|${r.entryKey}|${c.customerId}|${c.counterpartyKey ?? 'self'}`.slice(0, 200),
          },
          customerId: c.customerId,
          summary: `${c.source}: ${c.person.fullName} matches ${list} entry ${r.match} (score ${r.score.toFixed(3)})`,
          evidence: {
            source: c.source,
            list,
            listVersion: version.version,
            listVersionId: version.versionId,
            screeningResultId: r.resultId,
            entryPosition: r.match,
            entryKey: r.entryKey,
            score: r.score,
            explanation: r.explanation,
            person: c.person,
            ...(c.counterpartyKey ? { counterpartyKey: c.counterpartyKey } : {}),
            ...(c.reference ? { reference: c.reference } : {}),
          },
        };
      });
      opened.push(...(await this.cases.openCases(inputs, by)));
    }
    return { screened: candidates.length, hits, cases: opened };
  }

  /**
   * Records that `customerId` paid `counterpartyKey`; true the first time (the counterparty is new
   * and must be screened), false after.
   */
  async isNewCounterparty(customerId: string, counterpartyKey: string): Promise<boolean> {
    const result = await sql`
      insert into aml.screened_counterparties (customer_id, counterparty_key, first_seen_at)
      values (${customerId}, ${counterpartyKey}, ${this.deps.clock.now()})
      on conflict do nothing`.execute(this.deps.db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  /**
   * Onboards (or updates) a customer's KYC profile; a new customer, or a changed name, date of birth
   * or nationality, is screened against every list, and each hit opens a case (which re-rates them).
   */
  async onboard(profile: KycProfile, by: string) {
    const before = await this.kyc.profile(profile.customerId).catch(() => undefined);
    const stored = await this.kyc.upsertProfile(profile);
    const identity = (p: KycProfile | undefined) =>
      p === undefined ? undefined : JSON.stringify([p.fullName, p.dateOfBirth ?? '', p.nationality ?? '']);
    const screening =
      identity(before?.profile) === identity(profile)
        ? { screened: 0, hits: 0, cases: [] }
        : await this.screen([{ customerId: profile.customerId, person: personOf(profile), source: 'onboarding' }], by);
    return { ...stored, rating: await this.kyc.rating(profile.customerId), screening };
  }

  /** Screens every customer with a KYC profile against one list (run when a version of it is loaded). */
  async rescreenCustomers(list: string, by: string): Promise<ScreeningOutcome> {
    let after: string | undefined;
    let screened = 0;
    let hits = 0;
    const cases: { case: AmlCase; created: boolean }[] = [];
    for (;;) {
      const page = await this.kyc.profiles(after, RESCREEN_PAGE);
      if (page.length === 0) break;
      const outcome = await this.screen(
        page.map((p) => ({
          customerId: p.customerId,
          person: personOf(p),
          source: 'rescreen' as const,
        })),
        by,
        [list],
      );
      screened += outcome.screened;
      hits += outcome.hits;
      cases.push(...outcome.cases);
      after = page[page.length - 1]?.customerId;
      if (page.length < RESCREEN_PAGE) break;
    }
    return { screened, hits, cases };
  }
}

function personOf(p: KycProfile): NameRecord {
  return {
    fullName: p.fullName,
    ...(p.dateOfBirth ? { dateOfBirth: p.dateOfBirth } : {}),
    ...(p.nationality ? { nationality: p.nationality } : {}),
  };
}
