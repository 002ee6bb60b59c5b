import type { ImportSummary, Iso20022Error } from '@zhirong/iso20022';

/** The dry-run document: the brief's fields first, per-currency totals after, errors last. */
export function dryRunView(
  summary: (Omit<ImportSummary, 'totals' | 'errors'> & { totals?: ImportSummary['totals'] }) | undefined,
  errors: readonly Iso20022Error[],
  type?: string,
) {
  return {
    messageType: summary?.messageType ?? type ?? null,
    transactions: summary?.transactions ?? 0,
    totalAmount: summary?.totalAmount ?? '0',
    currency: summary?.currency ?? '',
    totals: summary?.totals ?? [],
    errors,
  };
}
