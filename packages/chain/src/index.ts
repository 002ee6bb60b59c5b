export type { AlarmRow, CosignatureRow, HeadRow, LeafRow, WitnessRow } from './chain.repository.ts';
export { leafJson } from './chain.routes.ts';
export {
  APPEND_BATCH_MAX,
  type AppendResult,
  type AuditProblem,
  type AuditReport,
  bodyDigest,
  ChainService,
  type EvidenceRecord,
  type HeadView,
  headJson,
  type Outcome,
  type RecordResolver,
} from './chain.service.ts';
export { type ChainErrorCode, chainErrors } from './errors.ts';
export { ed25519Verify, loadOrCreateKey, readKey, type SigningKey, signingKeyFromSeed } from './keys.ts';
export * as merkle from './merkle.ts';
export { chainMigrations } from './migrations.ts';
export { chainModule, EVIDENCE_TOPIC, type EvidenceEventPayload } from './module.ts';
export { buildTilesFromLeaves, TILE_CACHE_BYTES_MAX, type TileReadStats } from './tile-store.ts';
export * as tiles from './tiles.ts';
export * as verifier from './verifier/verifier.ts';
export { WitnessNode, type WitnessOptions, type WitnessState } from './witness.ts';
