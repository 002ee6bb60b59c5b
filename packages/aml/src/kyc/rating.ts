// The KYC customer risk rating: low / medium / high from profile, geography, products and case history, as a score with the reasons that make it up.
import type { CustomerType } from '../reports/transaction.ts';

export const RISK_RATINGS = ['low', 'medium', 'high'] as const;
export type RiskRating = (typeof RISK_RATINGS)[number];

export interface KycProfile {
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly fullName: string;
  readonly dateOfBirth?: string;
  readonly nationality?: string;
  /** Country of residence or incorporation, ISO 3166 alpha-2. */
  readonly country: string;
  readonly occupation?: string;
  readonly products: readonly string[];
  /** Declared or found politically exposed person. */
  readonly pep: boolean;
}

/** A customer's AML history, counted from the cases. */
export interface CaseCounts {
  readonly openScreeningHits: number;
  readonly openAlerts: number;
  readonly suspicious: number;
  readonly falsePositives: number;
}

/** Everything a rating is computed from: stored with it so that it can be replayed. */
export interface RatingInputs {
  readonly profile: KycProfile;
  readonly profileVersion: number;
  readonly cases: CaseCounts;
}

export interface RatingReason {
  readonly code: string;
  readonly points: number;
  readonly detail: string;
}

export interface RatingResult {
  readonly rating: RiskRating;
  readonly score: number;
  readonly modelVersion: string;
  readonly reasons: readonly RatingReason[];
}

export interface RatingConfig {
  readonly version: string;
  readonly highRiskCountries: readonly string[];
  readonly highRiskOccupations: readonly string[];
  readonly highRiskProducts: readonly string[];
  readonly mediumAt: number;
  readonly highAt: number;
}

export const DEFAULT_RATING: RatingConfig = {
  version: 'kyc-rating-1',
  // FATF "high-risk jurisdictions subject to a call for action"; the grey list changes and is configured per institution.
  highRiskCountries: ['KP', 'IR', 'MM'],
  highRiskOccupations: [
    'cash_intensive_business',
    'casino',
    'money_service_business',
    'precious_metals_dealer',
    'real_estate_agent',
    'virtual_asset_service_provider',
  ],
  highRiskProducts: ['cross_border_remittance', 'private_banking', 'prepaid_card', 'trade_finance', 'virtual_assets'],
  mediumAt: 25,
  highAt: 50,
};

const POINTS = {
  pep: 50,
  openScreeningHit: 30,
  suspicious: 50,
  openAlert: 15,
  openAlertsMax: 30,
  country: 30,
  nationality: 20,
  occupation: 20,
  product: 10,
  productsMax: 20,
  corporate: 5,
} as const;

/**
 * Rates a customer: a sum of points, each with its reason; the score's band gives the rating, and a
 * PEP or a case decided suspicious is high whatever the score (enhanced due diligence).
 */
export function rateCustomer(inputs: RatingInputs, config: RatingConfig = DEFAULT_RATING): RatingResult {
  const p = inputs.profile;
  const reasons: RatingReason[] = [];
  const add = (code: string, points: number, detail: string) => {
    if (points > 0) reasons.push({ code, points, detail });
  };
  if (p.pep) add('pep', POINTS.pep, 'politically exposed person');
  if (inputs.cases.suspicious > 0) {
    add('suspicious_case', POINTS.suspicious, `${inputs.cases.suspicious} case(s) decided suspicious`);
  }
  if (inputs.cases.openScreeningHits > 0) {
    add('open_screening_hit', POINTS.openScreeningHit, `${inputs.cases.openScreeningHits} open screening-hit case(s)`);
  }
  if (inputs.cases.openAlerts > 0) {
    add(
      'open_alerts',
      Math.min(POINTS.openAlert * inputs.cases.openAlerts, POINTS.openAlertsMax),
      `${inputs.cases.openAlerts} open monitoring-alert case(s)`,
    );
  }
  if (config.highRiskCountries.includes(p.country))
    add('high_risk_country', POINTS.country, `resident in ${p.country}`);
  if (p.nationality !== undefined && p.nationality !== p.country && config.highRiskCountries.includes(p.nationality)) {
    add('high_risk_nationality', POINTS.nationality, `national of ${p.nationality}`);
  }
  if (p.occupation !== undefined && config.highRiskOccupations.includes(p.occupation)) {
    add('high_risk_occupation', POINTS.occupation, `occupation ${p.occupation}`);
  }
  const risky = [...new Set(p.products)].filter((x) => config.highRiskProducts.includes(x)).sort();
  if (risky.length > 0) {
    add(
      'high_risk_products',
      Math.min(POINTS.product * risky.length, POINTS.productsMax),
      `products ${risky.join(', ')}`,
    );
  }
  if (p.customerType === 'corporate') add('corporate', POINTS.corporate, 'non-natural-person customer');
  const score = reasons.reduce((sum, r) => sum + r.points, 0);
  const forcedHigh = p.pep || inputs.cases.suspicious > 0;
  const rating: RiskRating =
    forcedHigh || score >= config.highAt ? 'high' : score >= config.mediumAt ? 'medium' : 'low';
  return { rating, score, modelVersion: config.version, reasons };
}
