import { inTransaction } from '@zhirong/db';
import {
  assert,
  type Clock,
  type CurrencyCode,
  findCurrency,
  formatAmount,
  formatId,
  type IdGenerator,
} from '@zhirong/kernel';
import type { Logger, NewEvent, Outbox } from '@zhirong/platform';
import type { ScfErrorCode } from './errors.ts';
import {
  businessDate,
  childrenOf,
  type Decision,
  decideFinance,
  decideSettle,
  decideSplit,
  decideTransfer,
  isBusinessDate,
  parseRate,
  type Receivable,
  type ScfDecisionError,
  SPLIT_PARTS_MAX,
  type StepKind,
} from './receivable.ts';
import * as repo from './scf.repository.ts';

/**
 * What the receivables domain needs from the ledger, in its own terms (a domain never imports
 * another): account facts to validate parties, and payments to post. The composition package
 * (flows) adapts the ledger to it. Transfer ids are chosen here and are the ledger's idempotency
 * keys, so posting the same payment twice moves money once.
 */
export interface ScfMoneyPort {
  accounts(
    ids: readonly string[],
  ): Promise<ReadonlyMap<string, { readonly currency: string; readonly status: string }>>;
  postTransfers(
    transfers: readonly {
      readonly id: string;
      readonly debitAccountId: string;
      readonly creditAccountId: string;
      readonly amountMinor: bigint;
      readonly currency: CurrencyCode;
      readonly metadata: Readonly<Record<string, unknown>>;
    }[],
  ): Promise<readonly ({ readonly ok: true } | { readonly ok: false; readonly code: string })[]>;
}

export type Failure = { readonly ok: false; readonly code: ScfErrorCode; readonly params?: Record<string, unknown> };
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export interface StepResult {
  readonly step: repo.Step;
  /** The receivables the step created. */
  readonly outputs: readonly Receivable[];
}

/** The topic the evidence log listens to (a protocol, not an import: see packages/chain). */
export const EVIDENCE_TOPIC = 'evidence.records';
export const STEP_RECORD_TYPE = 'scf.step';
export const RECEIVABLE_PREFIX = 'rcv';
export const STEP_PREFIX = 'stp';
export const SETTLE_BATCH_MAX = 500;
export const PENDING_STEP_GRACE_MS = 30_000;

export interface ScfDependencies {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  readonly logger: Logger;
  readonly timeZone: string;
  readonly money: ScfMoneyPort;
  readonly eventsCommitted?: () => void;
}

const fail = (code: ScfErrorCode, params?: Record<string, unknown>): Failure =>
  params ? { ok: false, code, params } : { ok: false, code };

/** The JSON of a step as logged in the evidence chain: only facts that never change afterwards. */
export function stepRecordBody(step: repo.Step, outputs: readonly Receivable[]) {
  assert(step.status === 'completed', 'only completed steps are logged');
  const byId = new Map(outputs.map((r) => [r.id, r]));
  const { money, children: _children, settles: _settles, ...details } = step.details;
  return {
    id: formatId(STEP_PREFIX, step.id),
    kind: step.kind,
    input: step.inputId ? formatId(RECEIVABLE_PREFIX, step.inputId) : null,
    outputs: step.outputIds.map((id) => {
      const r = byId.get(id);
      assert(r !== undefined, `output ${id} loaded`);
      return receivableFacts(r);
    }),
    payments: money.map((m, i) => ({
      transferId: formatId('trf', step.transferIds[i] as string),
      debitAccountId: formatId('acc', m.debitAccountId),
      creditAccountId: formatId('acc', m.creditAccountId),
      amount: m.amountMinor,
    })),
    details,
    completedAt: step.completedAt?.toISOString() ?? null,
  };
}

/** The immutable facts of a receivable (its status is not one: it changes). */
export function receivableFacts(r: Receivable) {
  return {
    id: formatId(RECEIVABLE_PREFIX, r.id),
    rootId: formatId(RECEIVABLE_PREFIX, r.rootId),
    parentId: r.parentId ? formatId(RECEIVABLE_PREFIX, r.parentId) : null,
    issuerAccountId: formatId('acc', r.issuerAccountId),
    holderAccountId: formatId('acc', r.holderAccountId),
    amount: formatAmount(r.amountMinor, r.currency),
    currency: r.currency,
    issueDate: r.issueDate,
    maturityDate: r.maturityDate,
    debtReference: r.debtReference,
    financed: r.financed,
  };
}

function planOf(decision: Decision): repo.StepPlan {
  return {
    ...Object.fromEntries(
      Object.entries(decision.details).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
    ),
    money: decision.money.map((m) => ({ ...m, amountMinor: m.amountMinor.toString() })),
    children: decision.children.map((c) => ({ ...c, amountMinor: c.amountMinor.toString() })),
    settles: decision.settles,
  };
}

/**
 * Supply-chain finance on the ledger and the evidence log: issue, split, transfer, finance and
 * settle digital receivables. Steps without money run in one transaction. Steps that move money
 * (finance, settle) are a saga: lock the receivable and record the planned payments; post them to
 * the ledger (idempotent by transfer id); then complete the step, or release the receivable if the
 * ledger refused. A crash in between leaves a pending step that `recoverPending` finishes.
 * Every completed step writes an evidence record to the outbox in its own transaction.
 */
export class ScfService {
  readonly #deps: ScfDependencies;

  constructor(deps: ScfDependencies) {
    this.#deps = deps;
  }

  today(): string {
    return businessDate(this.#deps.clock.now(), this.#deps.timeZone);
  }

  async #checkAccounts(parties: readonly string[], currency: string): Promise<Failure | undefined> {
    const found = await this.#deps.money.accounts(parties);
    for (const id of parties) {
      const account = found.get(id);
      if (!account) return fail('scf_account_not_found', { id: formatId('acc', id) });
      if (account.currency !== currency) {
        return fail('scf_account_unusable', { id: formatId('acc', id), reason: `its currency is ${account.currency}` });
      }
      if (account.status !== 'active') {
        return fail('scf_account_unusable', { id: formatId('acc', id), reason: `it is ${account.status}` });
      }
    }
    return undefined;
  }

  #event(step: repo.Step, outputs: readonly Receivable[]): NewEvent {
    return {
      topic: EVIDENCE_TOPIC,
      key: formatId(STEP_PREFIX, step.id),
      payload: {
        records: [
          {
            recordType: STEP_RECORD_TYPE,
            recordId: formatId(STEP_PREFIX, step.id),
            body: stepRecordBody(step, outputs),
          },
        ],
      },
    };
  }

  /** The core enterprise, having confirmed the debt (确权), issues a receivable to its supplier. */
  async issue(request: {
    readonly issuerAccountId: string;
    readonly holderAccountId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly maturityDate: string;
    readonly debtReference: string;
  }): Promise<Outcome<StepResult>> {
    const currency = findCurrency(request.currency);
    assert(currency !== undefined && request.amountMinor > 0n, 'amount and currency checked at the edge');
    const issueDate = this.today();
    if (!isBusinessDate(request.maturityDate) || request.maturityDate <= issueDate) {
      return fail('maturity_invalid', { issueDate });
    }
    if (request.issuerAccountId === request.holderAccountId) return fail('transfer_to_holder');
    const bad = await this.#checkAccounts([request.issuerAccountId, request.holderAccountId], currency.code);
    if (bad) return bad;
    const { ids, clock } = this.#deps;
    const now = clock.now();
    const stepId = ids.uuid();
    const id = ids.uuid();
    const receivable: Receivable = {
      id,
      rootId: id,
      parentId: null,
      issuerAccountId: request.issuerAccountId,
      holderAccountId: request.holderAccountId,
      amountMinor: request.amountMinor,
      currency: currency.code,
      issueDate,
      maturityDate: request.maturityDate,
      debtReference: request.debtReference,
      financed: false,
      status: 'active',
      createdByStepId: stepId,
      spentByStepId: null,
    };
    const step: repo.Step = {
      id: stepId,
      kind: 'issue',
      status: 'completed',
      inputId: null,
      outputIds: [id],
      transferIds: [],
      details: { money: [], children: [], settles: false, debtReference: request.debtReference },
      failureCode: null,
      createdAt: now,
      completedAt: now,
    };
    await inTransaction(this.#deps.db, async (trx) => {
      await repo.insertStep(trx, step);
      await repo.insertReceivables(trx, [receivable], now);
      await this.#deps.outbox.enqueue(trx, [this.#event(step, [receivable])]);
    });
    this.#deps.eventsCommitted?.();
    return { ok: true, value: { step, outputs: [receivable] } };
  }

  /** Splits a receivable into parts held by the same holder; the parts sum exactly to it. */
  async split(receivableId: string, amounts: readonly bigint[]): Promise<Outcome<StepResult>> {
    if (amounts.length < 2 || amounts.length > SPLIT_PARTS_MAX)
      return fail('split_parts_invalid', { max: SPLIT_PARTS_MAX });
    return this.#instantStep('split', receivableId, (r) => decideSplit(r, amounts));
  }

  /** Transfers all of a receivable, or part of it (the rest stays with the holder), down the tiers. */
  async transfer(receivableId: string, toAccountId: string, amountMinor?: bigint): Promise<Outcome<StepResult>> {
    const current = (await repo.loadReceivables(this.#deps.db, [receivableId])).get(receivableId);
    if (!current) return fail('receivable_not_found', { id: formatId(RECEIVABLE_PREFIX, receivableId) });
    const bad = await this.#checkAccounts([toAccountId], current.currency);
    if (bad) return bad;
    return this.#instantStep('transfer', receivableId, (r) => decideTransfer(r, toAccountId, amountMinor));
  }

  async #instantStep(
    kind: StepKind,
    receivableId: string,
    decide: (r: Receivable) => ReturnType<typeof decideSplit>,
  ): Promise<Outcome<StepResult>> {
    const { ids, clock } = this.#deps;
    const result = await inTransaction(this.#deps.db, async (trx): Promise<Outcome<StepResult>> => {
      const r = (await repo.lockReceivables(trx, [receivableId])).get(receivableId);
      if (!r) return fail('receivable_not_found', { id: formatId(RECEIVABLE_PREFIX, receivableId) });
      const decision = decide(r);
      if (!decision.ok) return this.#decisionFailure(decision.code, r);
      const now = clock.now();
      const stepId = ids.uuid();
      const outputs = childrenOf(
        decision.value,
        decision.value.children.map(() => ids.uuid()),
        stepId,
      );
      const step: repo.Step = {
        id: stepId,
        kind,
        status: 'completed',
        inputId: r.id,
        outputIds: outputs.map((o) => o.id),
        transferIds: [],
        details: planOf(decision.value),
        failureCode: null,
        createdAt: now,
        completedAt: now,
      };
      await repo.insertStep(trx, step);
      await repo.setStatus(trx, r.id, 'active', 'spent', stepId);
      await repo.insertReceivables(trx, outputs, now);
      await this.#deps.outbox.enqueue(trx, [this.#event(step, outputs)]);
      return { ok: true, value: { step, outputs } };
    });
    if (result.ok) this.#deps.eventsCommitted?.();
    return result;
  }

  #decisionFailure(code: ScfDecisionError, r: Receivable): Failure {
    const id = formatId(RECEIVABLE_PREFIX, r.id);
    if (code === 'split_parts_invalid') return fail(code, { max: SPLIT_PARTS_MAX });
    if (code === 'maturity_invalid') return fail(code, { issueDate: r.issueDate });
    return fail(code, { id, maturityDate: r.maturityDate });
  }

  /**
   * Discounts a receivable at a funder (bank): pay-out = face × (1 − rate × days / 360) rounded
   * down, posted funder → holder; the funder then holds a receivable of the same face.
   */
  async finance(receivableId: string, funderAccountId: string, annualRate: string): Promise<Outcome<StepResult>> {
    const rate = parseRate(annualRate);
    if (!rate.ok) return fail('rate_invalid');
    const current = (await repo.loadReceivables(this.#deps.db, [receivableId])).get(receivableId);
    if (!current) return fail('receivable_not_found', { id: formatId(RECEIVABLE_PREFIX, receivableId) });
    const bad = await this.#checkAccounts([funderAccountId], current.currency);
    if (bad) return bad;
    const today = this.today();
    const [result] = await this.#moneySteps('finance', [
      { receivableId, decide: (r) => decideFinance(r, funderAccountId, rate.value, today) },
    ]);
    assert(result !== undefined, 'one result');
    return result;
  }

  /** Settles one receivable at or after maturity: the issuer pays the current holder its amount. */
  async settle(receivableId: string): Promise<Outcome<StepResult>> {
    const today = this.today();
    const [result] = await this.#moneySteps('settle', [{ receivableId, decide: (r) => decideSettle(r, today) }]);
    assert(result !== undefined, 'one result');
    return result;
  }

  /** Settles every active receivable matured by today (up to `limit`): the scheduler calls this. */
  async settleDue(limit = SETTLE_BATCH_MAX): Promise<{ settled: number; failed: { id: string; code: string }[] }> {
    const today = this.today();
    const due = await repo.dueReceivables(this.#deps.db, today, limit);
    if (due.length === 0) return { settled: 0, failed: [] };
    const results = await this.#moneySteps(
      'settle',
      due.map((receivableId) => ({ receivableId, decide: (r: Receivable) => decideSettle(r, today) })),
    );
    const failed: { id: string; code: string }[] = [];
    results.forEach((r, i) => {
      if (!r.ok) failed.push({ id: formatId(RECEIVABLE_PREFIX, due[i] as string), code: r.code });
    });
    return { settled: results.filter((r) => r.ok).length, failed };
  }

  async #moneySteps(
    kind: 'finance' | 'settle',
    plans: readonly { receivableId: string; decide: (r: Receivable) => ReturnType<typeof decideSettle> }[],
  ): Promise<Outcome<StepResult>[]> {
    const { ids, clock, db } = this.#deps;
    // 1. Lock each receivable and record its step as pending with the payments it will make.
    const started = await inTransaction(db, async (trx) => {
      const locked = await repo.lockReceivables(
        trx,
        plans.map((p) => p.receivableId),
      );
      const now = clock.now();
      const out: (Outcome<repo.Step> | undefined)[] = [];
      for (const plan of plans) {
        const r = locked.get(plan.receivableId);
        if (!r) {
          out.push(fail('receivable_not_found', { id: formatId(RECEIVABLE_PREFIX, plan.receivableId) }));
          continue;
        }
        const decision =
          r.status === 'active' ? plan.decide(r) : ({ ok: false, code: 'receivable_not_active' } as const);
        if (!decision.ok) {
          out.push(this.#decisionFailure(decision.code, r));
          continue;
        }
        const step: repo.Step = {
          id: ids.uuid(),
          kind,
          status: 'pending',
          inputId: r.id,
          outputIds: [],
          transferIds: decision.value.money.map(() => ids.uuid()),
          details: planOf(decision.value),
          failureCode: null,
          createdAt: now,
          completedAt: null,
        };
        await repo.insertStep(trx, step);
        await repo.setStatus(trx, r.id, 'active', 'locked', step.id);
        out.push({ ok: true, value: step });
      }
      return out;
    });
    const steps = started.flatMap((s) => (s?.ok ? [s.value] : []));
    const finished = await this.#postAndFinish(steps);
    return started.map((s): Outcome<StepResult> => {
      assert(s !== undefined, 'one outcome per plan');
      if (!s.ok) return s;
      const done = finished.get(s.value.id);
      assert(done !== undefined, 'every started step finished');
      return done;
    });
  }

  /** 2–3. Posts the steps' payments and completes each step, or releases its receivable. */
  async #postAndFinish(steps: readonly repo.Step[]): Promise<Map<string, Outcome<StepResult>>> {
    const out = new Map<string, Outcome<StepResult>>();
    if (steps.length === 0) return out;
    const inputs = await repo.loadReceivables(
      this.#deps.db,
      steps.map((s) => s.inputId as string),
    );
    const transfers = steps.flatMap((step) => {
      const input = inputs.get(step.inputId as string);
      assert(input !== undefined, 'the input of a pending step exists');
      return step.details.money.map((m, i) => ({
        id: step.transferIds[i] as string,
        debitAccountId: m.debitAccountId,
        creditAccountId: m.creditAccountId,
        amountMinor: BigInt(m.amountMinor),
        currency: input.currency,
        metadata: {
          scf: {
            step: formatId(STEP_PREFIX, step.id),
            kind: step.kind,
            receivable: formatId(RECEIVABLE_PREFIX, input.id),
          },
        },
      }));
    });
    const outcomes = transfers.length > 0 ? await this.#deps.money.postTransfers(transfers) : [];
    let cursor = 0;
    const events: boolean[] = [];
    for (const step of steps) {
      const mine = outcomes.slice(cursor, cursor + step.details.money.length);
      cursor += step.details.money.length;
      const refused = mine.find((o) => !o.ok);
      const result = await inTransaction(this.#deps.db, async (trx): Promise<Outcome<StepResult>> => {
        const pending = await repo.lockPendingStep(trx, step.id);
        if (!pending) return fail('receivable_not_active', { id: formatId(RECEIVABLE_PREFIX, step.inputId as string) });
        const input = (await repo.lockReceivables(trx, [step.inputId as string])).get(step.inputId as string);
        assert(input?.status === 'locked' && input.spentByStepId === step.id, 'a pending step holds its input locked');
        const now = this.#deps.clock.now();
        if (refused && !refused.ok) {
          await repo.setStatus(trx, input.id, 'locked', 'active', null);
          await repo.finishStep(trx, step.id, 'failed', [], refused.code, now);
          return fail('scf_payment_failed', { reason: refused.code });
        }
        const decision: Decision = {
          spends: { ...input, status: 'active' },
          children: step.details.children.map((c) => ({ ...c, amountMinor: BigInt(c.amountMinor) })),
          settles: step.details.settles,
          money: [],
          details: {},
        };
        const outputs = childrenOf(
          decision,
          decision.children.map(() => this.#deps.ids.uuid()),
          step.id,
        );
        await repo.setStatus(trx, input.id, 'locked', step.details.settles ? 'settled' : 'spent', step.id);
        await repo.insertReceivables(trx, outputs, now);
        await repo.finishStep(
          trx,
          step.id,
          'completed',
          outputs.map((o) => o.id),
          null,
          now,
        );
        const completed: repo.Step = {
          ...step,
          status: 'completed',
          outputIds: outputs.map((o) => o.id),
          completedAt: now,
        };
        await this.#deps.outbox.enqueue(trx, [this.#event(completed, outputs)]);
        return { ok: true, value: { step: completed, outputs } };
      });
      events.push(result.ok);
      out.set(step.id, result);
    }
    if (events.some(Boolean)) this.#deps.eventsCommitted?.();
    return out;
  }

  /** Finishes steps left pending by a crash between the ledger and the final commit. */
  async recoverPending(graceMs = PENDING_STEP_GRACE_MS): Promise<number> {
    const before = new Date(this.#deps.clock.nowMs() - graceMs);
    const ids = await repo.pendingStepsBefore(this.#deps.db, before, SETTLE_BATCH_MAX);
    if (ids.length === 0) return 0;
    const steps = [...(await repo.loadSteps(this.#deps.db, ids)).values()].filter((s) => s.status === 'pending');
    const finished = await this.#postAndFinish(steps);
    this.#deps.logger.warn({ steps: finished.size }, 'scf: finished steps left pending');
    return finished.size;
  }

  // ------------------------------------------------------------ reads

  async get(id: string): Promise<Receivable | undefined> {
    return (await repo.loadReceivables(this.#deps.db, [id])).get(id);
  }

  async list(filter: repo.ReceivableFilter): Promise<Receivable[]> {
    return repo.listReceivables(this.#deps.db, filter);
  }

  /** The steps from issuance down to this receivable, and the step that spent it, oldest first. */
  async history(id: string): Promise<Outcome<{ receivable: Receivable; steps: StepResult[] }>> {
    const lineage: Receivable[] = [];
    let cursor: string | null = id;
    for (let depth = 0; cursor !== null && depth < 10_000; depth++) {
      const r: Receivable | undefined = await this.get(cursor);
      if (!r) break;
      lineage.unshift(r);
      cursor = r.parentId;
    }
    const receivable = lineage.at(-1);
    if (!receivable || receivable.id !== id)
      return fail('receivable_not_found', { id: formatId(RECEIVABLE_PREFIX, id) });
    const stepIds = [
      ...new Set([
        ...lineage.map((r) => r.createdByStepId),
        ...(receivable.spentByStepId ? [receivable.spentByStepId] : []),
      ]),
    ];
    const steps = await this.completedSteps(stepIds);
    return {
      ok: true,
      value: { receivable, steps: stepIds.flatMap((s) => (steps.has(s) ? [steps.get(s) as StepResult] : [])) },
    };
  }

  /** Completed steps with their outputs (the audit re-hashes these). */
  async completedSteps(stepIds: readonly string[]): Promise<Map<string, StepResult>> {
    const steps = [...(await repo.loadSteps(this.#deps.db, stepIds)).values()].filter((s) => s.status === 'completed');
    const outputs = await repo.loadReceivables(
      this.#deps.db,
      steps.flatMap((s) => s.outputIds),
    );
    return new Map(
      steps.map((s) => [
        s.id,
        { step: s, outputs: s.outputIds.flatMap((o) => (outputs.has(o) ? [outputs.get(o) as Receivable] : [])) },
      ]),
    );
  }

  async step(id: string): Promise<repo.Step | undefined> {
    return (await repo.loadSteps(this.#deps.db, [id])).get(id);
  }
}
