// KYC profiles and risk ratings: a profile change, a case opened or decided re-rates the customer, and every rating is stored with its inputs, version, score and reasons.
import { sql } from 'kysely';
import type { AmlDeps } from '../cases/case.ts';
import type { AmlTrx } from '../cases/cases.repository.ts';
import { AmlError } from '../errors.ts';
import type { AmlDb } from '../screening/screening.repository.ts';
import {
  type CaseCounts,
  DEFAULT_RATING,
  type KycProfile,
  type RatingConfig,
  type RatingInputs,
  type RatingResult,
  rateCustomer,
} from './rating.ts';

export const KYC_RATED_TOPIC = 'aml.kyc.rated';

export interface StoredRating extends RatingResult {
  readonly id: string;
  readonly customerId: string;
  readonly trigger: string;
  readonly inputs: RatingInputs;
  readonly ratedAt: Date;
}

type Runner = AmlDb | AmlTrx;

function profileOf(row: Record<string, unknown>): { profile: KycProfile; version: number } {
  return {
    profile: {
      customerId: row.customer_id as string,
      customerType: row.customer_type as KycProfile['customerType'],
      fullName: row.full_name as string,
      ...(row.date_of_birth !== null ? { dateOfBirth: row.date_of_birth as string } : {}),
      ...(row.nationality !== null ? { nationality: row.nationality as string } : {}),
      country: row.country as string,
      ...(row.occupation !== null ? { occupation: row.occupation as string } : {}),
      products: row.products as string[],
      pep: Boolean(row.pep),
    },
    version: Number(row.version),
  };
}

function ratingOf(row: Record<string, unknown>): StoredRating {
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: row.id as string,
    customerId: row.customer_id as string,
    rating: row.rating as StoredRating['rating'],
    score: Number(row.score),
    modelVersion: row.model_version as string,
    trigger: row.trigger as string,
    inputs: parse(row.inputs) as RatingInputs,
    reasons: parse(row.reasons) as StoredRating['reasons'],
    ratedAt: new Date(row.rated_at as string | Date),
  };
}

export class AmlKycService {
  readonly #deps: AmlDeps;
  readonly #config: RatingConfig;

  constructor(deps: AmlDeps, config: RatingConfig = DEFAULT_RATING) {
    this.#deps = deps;
    this.#config = config;
  }

  /** Creates or changes a profile; a change (not a repeat of the same profile) bumps its version and re-rates. */
  async upsertProfile(profile: KycProfile): Promise<{ profile: KycProfile; version: number; rating: StoredRating }> {
    if (!/^[A-Z]{2}$/.test(profile.country)) {
      throw new AmlError('kyc_profile_invalid', {
        customer: profile.customerId,
        reason: 'the country must be ISO 3166 alpha-2',
      });
    }
    return this.#deps.db.transaction().execute(async (trx) => {
      const current = await this.#profile(trx, profile.customerId, true);
      const same =
        current !== undefined && JSON.stringify(normalized(current.profile)) === JSON.stringify(normalized(profile));
      if (same) {
        const latest = await this.#latest(trx, profile.customerId);
        if (latest !== undefined) return { ...current, rating: latest };
      }
      const version = same ? (current?.version ?? 1) : (current?.version ?? 0) + 1;
      if (!same) {
        await sql`insert into aml.kyc_profiles (customer_id, customer_type, full_name, date_of_birth, nationality,
            country, occupation, products, pep, version, updated_at)
          values (${profile.customerId}, ${profile.customerType}, ${profile.fullName}, ${profile.dateOfBirth ?? null},
            ${profile.nationality ?? null}, ${profile.country}, ${profile.occupation ?? null}, ${[...profile.products]},
            ${profile.pep}, ${version}, ${this.#deps.clock.now()})
          on conflict (customer_id) do update set customer_type = excluded.customer_type,
            full_name = excluded.full_name, date_of_birth = excluded.date_of_birth, nationality = excluded.nationality,
            country = excluded.country, occupation = excluded.occupation, products = excluded.products,
            pep = excluded.pep, version = excluded.version, updated_at = excluded.updated_at`.execute(trx);
      }
      const [rating] = await this.rerate(
        trx,
        [profile.customerId],
        current === undefined ? 'onboarding' : 'profile_change',
      );
      return { profile, version, rating: rating as StoredRating };
    });
  }

  async profile(customerId: string): Promise<{ profile: KycProfile; version: number }> {
    return (
      (await this.#profile(this.#deps.db, customerId, false)) ??
      (() => {
        throw new AmlError('kyc_profile_not_found', { customer: customerId });
      })()
    );
  }

  /** Every profile, in customer-id order, from `after` (for re-screening all customers when a list changes). */
  async profiles(after: string | undefined, limit: number): Promise<KycProfile[]> {
    const result = await sql<Record<string, unknown>>`
      select * from aml.kyc_profiles where customer_id > ${after ?? ''} order by customer_id limit ${limit}`.execute(
      this.#deps.db,
    );
    return result.rows.map((r) => profileOf(r).profile);
  }

  async #profile(db: Runner, customerId: string, forUpdate: boolean) {
    const result = forUpdate
      ? await sql<Record<string, unknown>>`
          select * from aml.kyc_profiles where customer_id = ${customerId} for update`.execute(db)
      : await sql<Record<string, unknown>>`select * from aml.kyc_profiles where customer_id = ${customerId}`.execute(
          db,
        );
    const row = result.rows[0];
    return row === undefined ? undefined : profileOf(row);
  }

  async #latest(db: Runner, customerId: string): Promise<StoredRating | undefined> {
    const result = await sql<Record<string, unknown>>`
      select * from aml.kyc_ratings where customer_id = ${customerId} order by rated_at desc, id desc limit 1`.execute(
      db,
    );
    const row = result.rows[0];
    return row === undefined ? undefined : ratingOf(row);
  }

  async #caseCounts(db: Runner, customerId: string): Promise<CaseCounts> {
    const result = await sql<Record<string, string | number>>`
      select count(*) filter (where status <> 'closed' and subject_kind = 'screening_hit') as hits,
             count(*) filter (where status <> 'closed' and subject_kind = 'alert') as alerts,
             count(*) filter (where decision = 'suspicious') as suspicious,
             count(*) filter (where decision = 'false_positive') as fp
      from aml.cases where customer_id = ${customerId}`.execute(db);
    const row = result.rows[0] ?? {};
    return {
      openScreeningHits: Number(row.hits ?? 0),
      openAlerts: Number(row.alerts ?? 0),
      suspicious: Number(row.suspicious ?? 0),
      falsePositives: Number(row.fp ?? 0),
    };
  }

  /**
   * Re-rates customers inside the caller's transaction (a case opened or decided, a profile change).
   * Customers without a profile are not rated. Returns the new ratings.
   */
  async rerate(trx: AmlTrx, customerIds: readonly string[], trigger: string): Promise<StoredRating[]> {
    const out: StoredRating[] = [];
    for (const customerId of customerIds) {
      const found = await this.#profile(trx, customerId, false);
      if (found === undefined) continue;
      const inputs: RatingInputs = {
        profile: found.profile,
        profileVersion: found.version,
        cases: await this.#caseCounts(trx, customerId),
      };
      const result = rateCustomer(inputs, this.#config);
      const stored: StoredRating = {
        ...result,
        id: this.#deps.ids.uuid(),
        customerId,
        trigger,
        inputs,
        ratedAt: this.#deps.clock.now(),
      };
      await sql`insert into aml.kyc_ratings (id, customer_id, rating, score, model_version, profile_version, trigger,
          inputs, reasons, rated_at)
        values (${stored.id}, ${customerId}, ${stored.rating}, ${stored.score}, ${stored.modelVersion}, ${found.version},
          ${trigger}, ${JSON.stringify(inputs)}::jsonb, ${JSON.stringify(stored.reasons)}::jsonb, ${stored.ratedAt})`.execute(
        trx,
      );
      await this.#deps.outbox.enqueue(trx, [
        {
          topic: KYC_RATED_TOPIC,
          key: customerId,
          payload: {
            customerId,
            rating: stored.rating,
            score: stored.score,
            modelVersion: stored.modelVersion,
            trigger,
          },
        },
      ]);
      out.push(stored);
    }
    return out;
  }

  async rating(customerId: string): Promise<StoredRating> {
    const latest = await this.#latest(this.#deps.db, customerId);
    if (latest === undefined) throw new AmlError('kyc_profile_not_found', { customer: customerId });
    return latest;
  }

  async ratings(customerId: string, limit = 50): Promise<StoredRating[]> {
    const result = await sql<Record<string, unknown>>`
      select * from aml.kyc_ratings where customer_id = ${customerId} order by rated_at desc, id desc
      limit ${Math.min(Math.max(limit, 1), 500)}`.execute(this.#deps.db);
    return result.rows.map(ratingOf);
  }

  /** Replays a stored rating from its stored inputs with the current model: the same result when the version is the same. */
  replay(stored: StoredRating): RatingResult {
    return rateCustomer(stored.inputs, this.#config);
  }
}

function normalized(p: KycProfile) {
  return {
    customerId: p.customerId,
    customerType: p.customerType,
    fullName: p.fullName,
    dateOfBirth: p.dateOfBirth ?? null,
    nationality: p.nationality ?? null,
    country: p.country,
    occupation: p.occupation ?? null,
    products: [...p.products].sort(),
    pep: p.pep,
  };
}
