/** Shapes of the risk API's JSON, as the console reads them (see packages/risk/src/risk.routes.ts). */
export type Verdict = 'approve' | 'review' | 'decline';
export type RiskEventType = 'payment' | 'login' | 'loan_application' | 'account_change';

export interface Reason {
  readonly source: 'list' | 'rule' | 'model';
  readonly code: string;
  readonly en: string;
  readonly zh: string;
  /** Points this reason moved the score by. */
  readonly points: number;
  readonly value?: unknown;
}

export interface MatchedRule {
  readonly ruleId: string;
  readonly rulesetId: string;
  readonly action: 'decline' | 'review' | 'score';
  readonly points?: number;
}

export interface Decision {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: RiskEventType;
  readonly customerId: string;
  readonly eventAt: string;
  readonly decision: Verdict;
  readonly score: number;
  readonly modelProbability: number | null;
  readonly reasons: readonly Reason[];
  readonly matchedRules: readonly MatchedRule[];
  readonly features: Readonly<Record<string, unknown>>;
  readonly versions: Readonly<Record<string, unknown>>;
  readonly shadow: unknown;
  readonly latencyUs: number;
  readonly decidedAt: string;
  readonly event: Readonly<Record<string, unknown>> & { readonly amount?: string; readonly currency?: string };
}

/** One entry of a case's trail: every view and action is recorded, notes among them. */
export interface CaseNote {
  readonly at: string;
  readonly by: string;
  readonly action: 'opened' | 'viewed' | 'assigned' | 'note' | 'closed';
  readonly text?: string;
}

export interface RiskCase {
  readonly id: string;
  readonly decisionId: string;
  readonly eventId: string;
  readonly customerId: string;
  readonly status: 'open' | 'closed';
  readonly outcome: 'fraud' | 'legitimate' | null;
  readonly assignee: string | null;
  readonly openedAt: string;
  readonly dueAt: string;
  readonly firstActionAt: string | null;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  readonly notes: readonly CaseNote[];
}

export interface CaseWithDecision extends RiskCase {
  readonly decision: Decision;
}

export interface Items<T> {
  readonly items: readonly T[];
}

/**
 * Splits a decision's reasons: list hits and rules whose action is decline or review settle the
 * verdict whatever the score (the engine records them at 1000 points); the others are the
 * contributions that add up to the score.
 */
export function splitReasons(d: Pick<Decision, 'reasons' | 'matchedRules'>): {
  decisive: Reason[];
  contributions: Reason[];
} {
  const decisive: Reason[] = [];
  const contributions: Reason[] = [];
  for (const reason of d.reasons) {
    const rule = reason.source === 'rule' ? d.matchedRules.find((m) => m.ruleId === reason.code) : undefined;
    if (reason.source === 'list' || (rule !== undefined && rule.action !== 'score')) decisive.push(reason);
    else contributions.push(reason);
  }
  return { decisive, contributions };
}

/** Each reason's bar in the waterfall: where it starts and ends on the score axis (0–1000). */
export interface WaterfallStep {
  readonly reason: Reason;
  readonly from: number;
  readonly to: number;
}

/**
 * Lays the reasons end to end from the base score: the largest contributions first, as the engine
 * lists them. The remainder to the final score (reasons left out, rounding, clamping at 0 and 1000)
 * is its own step, so the chart always ends on the decision's score.
 */
export function waterfall(
  reasons: readonly Reason[],
  score: number,
): { steps: WaterfallStep[]; rest: WaterfallStep | null; low: number; high: number } {
  const steps: WaterfallStep[] = [];
  let at = 0;
  for (const reason of reasons) {
    steps.push({ reason, from: at, to: at + reason.points });
    at += reason.points;
  }
  const rest =
    at === score
      ? null
      : { reason: { source: 'model' as const, code: '', en: '', zh: '', points: score - at }, from: at, to: score };
  const ends = [0, 1000, ...steps.flatMap((s) => [s.from, s.to]), score];
  return { steps, rest, low: Math.min(...ends), high: Math.max(...ends) };
}

export const VERDICTS: readonly Verdict[] = ['approve', 'review', 'decline'];
export const EVENT_TYPES: readonly RiskEventType[] = ['payment', 'login', 'loan_application', 'account_change'];
