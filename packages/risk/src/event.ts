/**
 * The event every part of the risk engine speaks: the feature store aggregates it, the entity graph
 * links its parties, rules and models score what the features say about it. Adapters turn payments,
 * logins, loan applications, account changes, simulator output and PaySim rows into it.
 *
 * Time is the event's own time (`atMs`, epoch milliseconds), never the wall clock: rebuilding from
 * history, backtests and replays then give the same features as the live run did.
 */
export const RISK_EVENT_TYPES = ['payment', 'login', 'loan_application', 'account_change'] as const;
export type RiskEventType = (typeof RISK_EVENT_TYPES)[number];

/** Entity kinds that aggregates, lists and the graph can key on. */
export const ENTITY_KINDS = ['customer', 'account', 'device', 'ip', 'payee', 'merchant', 'card', 'phone'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface RiskEvent {
  /** Unique per event; feeding the same id twice must not count twice. */
  readonly id: string;
  readonly type: RiskEventType;
  /** Free-form refinement: `p2p`, `merchant`, `payout`, `password_reset`, `payee_added`, … */
  readonly subtype?: string;
  readonly atMs: number;
  readonly customerId: string;
  readonly accountId?: string;
  readonly deviceId?: string;
  readonly ip?: string;
  readonly phone?: string;
  /** The receiving party of a payment (an account id, external account or wallet). */
  readonly payeeId?: string;
  readonly merchantId?: string;
  readonly merchantCategoryCode?: string;
  readonly cardId?: string;
  /** Minor units; 0n for events that move no money. */
  readonly amountMinor: bigint;
  readonly currency?: string;
  /** ISO 3166-1 alpha-2 of the counterparty or of where the event came from. */
  readonly country?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly channel?: string;
  /** Balance of the paying account before the event, when the source knows it (minor units). */
  readonly balanceBeforeMinor?: bigint;
  /** Extra attributes supplied by the caller; numbers, strings and booleans only. */
  readonly attributes?: Readonly<Record<string, number | string | boolean>>;
}

/** A feature's value. `null` means "not defined for this event" (e.g. time since a first event). */
export type FeatureValue = number | string | boolean | null;
export type FeatureVector = Readonly<Record<string, FeatureValue>>;
/** Money features are numbers of major units: they feed rules and models, never a ledger. */
export type FeatureType = 'number' | 'boolean' | 'string';

export interface FeatureDefinition {
  readonly name: string;
  readonly type: FeatureType;
  readonly description: { readonly en: string; readonly zh: string };
}
