import { assert } from '@zhirong/kernel';
import type { FeatureValue } from '../event.ts';
import type { ModelContribution, ModelScore } from './risk-model.ts';

export type Decision = 'approve' | 'review' | 'decline';
export const DECISIONS: readonly Decision[] = ['approve', 'review', 'decline'];
export const SCORE_MAX = 1000;

/** Scores at or above these send an event to review or decline (0–1000, review < decline). */
export interface Thresholds {
  readonly reviewAt: number;
  readonly declineAt: number;
}

export interface RuleHitLike {
  readonly ruleId: string;
  readonly action: 'decline' | 'review' | 'score';
  readonly points: number;
  readonly reason: { readonly en: string; readonly zh: string };
}

export interface ListHit {
  readonly list: string;
  readonly kind: 'allow' | 'deny';
  readonly entityKind: string;
  readonly value: string;
  readonly reason: string;
}

export interface Reason {
  readonly source: 'list' | 'rule' | 'model';
  /** The rule id, list name or feature name. */
  readonly code: string;
  readonly en: string;
  readonly zh: string;
  /** Points this reason moved the score by (model reasons: a local estimate from the log-odds). */
  readonly points: number;
  readonly value?: FeatureValue;
}

export interface Combined {
  readonly decision: Decision;
  readonly score: number;
  readonly reasons: Reason[];
  /** What settled the decision: a list, a rule's action, or the score against the thresholds. */
  readonly decidedBy: 'deny_list' | 'allow_list' | 'rule' | 'score';
}

export interface FeatureText {
  readonly en: string;
  readonly zh: string;
}

const REASONS_MAX = 5;

export function checkThresholds(t: Thresholds): string | undefined {
  if (!Number.isInteger(t.reviewAt) || !Number.isInteger(t.declineAt)) return 'thresholds are whole numbers';
  if (t.reviewAt < 1 || t.declineAt > SCORE_MAX + 1 || t.reviewAt > t.declineAt)
    return `1 ≤ reviewAt ≤ declineAt ≤ ${SCORE_MAX + 1}`;
  return undefined;
}

function formatValue(value: FeatureValue): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return String(value);
}

/**
 * Turns the parts of a decision into one verdict. Order of authority: a deny-list hit declines; an
 * allow-list hit approves; a rule's decline, then review, action; then the score — the model's
 * probability in per-mille plus the points of scoring rules, clamped to 0–1000 — against the
 * thresholds. Reasons are the largest contributions, each with its text in both languages.
 */
export function combine(parts: {
  readonly model: ModelScore | undefined;
  readonly contributions: readonly ModelContribution[];
  readonly ruleHits: readonly RuleHitLike[];
  readonly listHits: readonly ListHit[];
  readonly thresholds: Thresholds;
  readonly describe: (feature: string) => FeatureText | undefined;
}): Combined {
  assert(checkThresholds(parts.thresholds) === undefined, 'thresholds are valid');
  const p = parts.model?.probability ?? 0;
  let score = Math.round(p * SCORE_MAX);
  for (const hit of parts.ruleHits) if (hit.action === 'score') score += hit.points;
  score = Math.min(SCORE_MAX, Math.max(0, score));

  const reasons: Reason[] = [];
  for (const hit of parts.listHits) {
    const en = `${hit.entityKind} ${hit.value} is on the ${hit.kind} list ${hit.list}${hit.reason ? `: ${hit.reason}` : ''}`;
    const zh = `${hit.entityKind} ${hit.value} 在${hit.kind === 'deny' ? '黑' : '白'}名单 ${hit.list} 中${hit.reason ? `：${hit.reason}` : ''}`;
    reasons.push({ source: 'list', code: hit.list, en, zh, points: hit.kind === 'deny' ? SCORE_MAX : -SCORE_MAX });
  }
  for (const hit of parts.ruleHits) {
    const points = hit.action === 'score' ? hit.points : SCORE_MAX;
    reasons.push({ source: 'rule', code: hit.ruleId, en: hit.reason.en, zh: hit.reason.zh, points });
  }
  // d(1000·p)/d(margin) = 1000·p·(1−p): a contribution's points near this score.
  const slope = SCORE_MAX * p * (1 - p);
  for (const c of parts.contributions) {
    const points = Math.round(c.contribution * slope);
    if (c.contribution <= 0 || points < 1) continue;
    const text = parts.describe(c.feature);
    const shown = c.value === null ? 'missing' : formatValue(c.value);
    reasons.push({
      source: 'model',
      code: c.feature,
      en: `${text?.en ?? c.feature} (${shown}) raised the risk`,
      zh: `${text?.zh ?? c.feature}（${c.value === null ? '缺失' : shown}）提高了风险`,
      points,
      value: c.value,
    });
  }
  reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));

  const deny = parts.listHits.some((h) => h.kind === 'deny');
  const allow = parts.listHits.some((h) => h.kind === 'allow');
  let decision: Decision;
  let decidedBy: Combined['decidedBy'];
  if (deny) [decision, decidedBy] = ['decline', 'deny_list'];
  else if (allow) [decision, decidedBy] = ['approve', 'allow_list'];
  else if (parts.ruleHits.some((h) => h.action === 'decline')) [decision, decidedBy] = ['decline', 'rule'];
  else if (parts.ruleHits.some((h) => h.action === 'review')) [decision, decidedBy] = ['review', 'rule'];
  else {
    decidedBy = 'score';
    decision =
      score >= parts.thresholds.declineAt ? 'decline' : score >= parts.thresholds.reviewAt ? 'review' : 'approve';
  }
  return { decision, score, reasons: reasons.slice(0, REASONS_MAX), decidedBy };
}
