/** Platform-wide limits. Every list, batch, page and retry has a bound; the unit is in the name. */
export const LIMITS = Object.freeze({
  pageSizeMax: 500,
  pageSizeDefault: 100,
  transferBatchSizeMax: 8000,
  accountBatchSizeMax: 8000,
  metadataBytesMax: 4096,
  requestBodyBytesMax: 8 * 1024 * 1024,
  serializationRetriesMax: 8,
  idempotencyKeyLengthMax: 255,
});
