import { formatAmount, formatId, LIMITS, parseAmount, parseId } from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import { type Account, availableBalance, limitToFlags, postedBalance } from './account.ts';
import { type LedgerErrorCode, ledgerErrors } from './errors.ts';
import type { Entry, Transfer } from './transfer.ts';

/** Translation between the JSON the API speaks (prefixed ids, decimal-string amounts) and the domain. */
export const ACCOUNT_PREFIX = 'acc';
export const TRANSFER_PREFIX = 'trf';

export function fail(code: LedgerErrorCode, params?: Record<string, unknown>, pointer?: string): never {
  throw problem(ledgerErrors, code, {
    ...(params ? { params } : {}),
    ...(pointer ? { extensions: { pointer } } : {}),
  });
}

export function accountUuid(text: string, pointer?: string): string {
  const parsed = parseId(ACCOUNT_PREFIX, text);
  if (!parsed.ok) fail('id_malformed', { value: text, kind: ACCOUNT_PREFIX }, pointer);
  return parsed.value;
}

export function transferUuid(text: string, pointer?: string): string {
  const parsed = parseId(TRANSFER_PREFIX, text);
  if (!parsed.ok) fail('id_malformed', { value: text, kind: TRANSFER_PREFIX }, pointer);
  return parsed.value;
}

export function amountMinor(text: string, currency: string, pointer?: string): bigint {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) fail(parsed.code, { currency }, pointer);
  return parsed.value;
}

export function checkMetadata(metadata: Record<string, unknown> | undefined, pointer?: string): void {
  if (metadata !== undefined && Buffer.byteLength(JSON.stringify(metadata)) > LIMITS.metadataBytesMax) {
    fail('metadata_too_large', { max: LIMITS.metadataBytesMax }, pointer);
  }
}

export function accountJson(a: Account) {
  const fmt = (v: bigint) => formatAmount(v, a.currency);
  return {
    id: formatId(ACCOUNT_PREFIX, a.id),
    currency: a.currency,
    type: a.type,
    code: a.code,
    ownerRef: a.ownerRef,
    flags: limitToFlags(a.limit),
    status: a.status,
    metadata: a.metadata,
    balances: {
      debitsPending: fmt(a.balances.debitsPending),
      debitsPosted: fmt(a.balances.debitsPosted),
      creditsPending: fmt(a.balances.creditsPending),
      creditsPosted: fmt(a.balances.creditsPosted),
      posted: fmt(postedBalance(a.type, a.balances)),
      available: fmt(availableBalance(a.type, a.balances)),
    },
    createdAt: a.createdAt.toISOString(),
  };
}

export function transferJson(t: Transfer & { pendingState?: string; expiresAt?: Date | null }) {
  return {
    id: formatId(TRANSFER_PREFIX, t.id),
    type: t.kind,
    debitAccountId: formatId(ACCOUNT_PREFIX, t.debitAccountId),
    creditAccountId: formatId(ACCOUNT_PREFIX, t.creditAccountId),
    amount: formatAmount(t.amountMinor, t.currency),
    currency: t.currency,
    pendingId: t.pendingId ? formatId(TRANSFER_PREFIX, t.pendingId) : null,
    reversesId: t.reversesId ? formatId(TRANSFER_PREFIX, t.reversesId) : null,
    timeoutSeconds: t.timeoutSeconds,
    code: t.code,
    metadata: t.metadata,
    linked: t.linked,
    createdAt: t.createdAt.toISOString(),
    ...(t.pendingState ? { pendingState: t.pendingState, expiresAt: t.expiresAt?.toISOString() ?? null } : {}),
  };
}

export function statementLineJson(account: Account, line: Entry & { transfer: Transfer }) {
  const balances = {
    debitsPending: line.debitsPending,
    debitsPosted: line.debitsPosted,
    creditsPending: line.creditsPending,
    creditsPosted: line.creditsPosted,
  };
  return {
    seq: line.seq.toString(),
    transferId: formatId(TRANSFER_PREFIX, line.transferId),
    type: line.transfer.kind,
    direction: line.isDebit ? 'debit' : 'credit',
    amount: formatAmount(line.amountMinor, account.currency),
    counterpartyAccountId: formatId(
      ACCOUNT_PREFIX,
      line.isDebit ? line.transfer.creditAccountId : line.transfer.debitAccountId,
    ),
    postedBalance: formatAmount(postedBalance(account.type, balances), account.currency),
    availableBalance: formatAmount(availableBalance(account.type, balances), account.currency),
    metadata: line.transfer.metadata,
    createdAt: line.createdAt.toISOString(),
  };
}

/** Opaque pagination cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(text: string, key: string, pattern: RegExp): string {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))[key];
    if (typeof value === 'string' && pattern.test(value)) return value;
  } catch {
    // fall through
  }
  fail('cursor_malformed');
}
