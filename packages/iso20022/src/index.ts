export { buildCamt053, buildPacs008, type Camt053Input, Iso20022BuildError, type Pacs008Input } from './build.ts';
export {
  CREDIT_TRANSFER_TYPES,
  type CreditTransferMessageType,
  type MessageType,
  STATEMENT_TYPES,
  type StatementMessageType,
  SUPPORTED_TYPES,
} from './definitions.ts';
export { type Iso20022ErrorCode, iso20022Errors } from './errors.ts';
export { bicProblem, ibanCheckDigits, ibanProblem, isCountryCode, validateBic, validateIban } from './identifiers.ts';
export * from './model.ts';
export { END_TO_END_NOT_PROVIDED, MESSAGE_BYTES_MAX, parseIso20022, summarize } from './parse.ts';
export { type BookEntry, type MatchRule, type ReconcileOptions, type ReconcileResult, reconcile } from './reconcile.ts';
export type { Iso20022Error } from './schema.ts';
export { childOf, childrenOf, readXml, textAt, type XmlElement, type XmlReadResult } from './xml.ts';
