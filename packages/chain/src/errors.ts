import { defineErrors } from '@zhirong/kernel';

/** Every evidence-log error code, with its HTTP status and zh/en message. */
export const chainErrors = defineErrors({
  chain_head_not_found: {
    status: 404,
    en: 'No signed tree head of size {size}.',
    zh: '不存在大小为 {size} 的签名树头。',
  },
  chain_no_head: {
    status: 404,
    en: 'The log has not signed a tree head yet.',
    zh: '日志尚未签发任何树头。',
  },
  chain_leaf_not_found: { status: 404, en: 'The log has no leaf {index}.', zh: '日志中不存在叶子 {index}。' },
  chain_record_not_found: {
    status: 404,
    en: 'Record {recordType}/{recordId} is not in the log (yet).',
    zh: '记录 {recordType}/{recordId} 尚未写入存证日志。',
  },
  chain_size_invalid: {
    status: 400,
    en: 'The tree sizes or leaf index are out of range: {detail}.',
    zh: '树大小或叶子序号超出范围：{detail}。',
  },
  chain_record_invalid: {
    status: 400,
    en: 'An evidence record is not valid: {detail}.',
    zh: '存证记录无效：{detail}。',
  },
  chain_batch_too_large: {
    status: 413,
    en: 'At most {max} records can be appended in one call.',
    zh: '一次最多追加 {max} 条记录。',
  },
  witness_key_invalid: {
    status: 400,
    en: 'The witness public key must be 64 hex characters (a raw Ed25519 key).',
    zh: '见证人公钥必须是 64 位十六进制字符（Ed25519 原始公钥）。',
  },
  witness_exists: {
    status: 409,
    en: 'A witness with this name or key is already registered differently.',
    zh: '已登记了同名或同公钥的其他见证人。',
  },
  witness_unknown: {
    status: 403,
    en: 'The key {key} is not a registered witness of this log.',
    zh: '公钥 {key} 不是本日志登记的见证人。',
  },
  cosignature_head_mismatch: {
    status: 409,
    en: 'The cosigned head does not match the head this log signed at size {size}.',
    zh: '见证签名的树头与本日志在大小 {size} 签发的树头不一致。',
  },
  cosignature_invalid: {
    status: 422,
    en: 'The witness signature does not verify.',
    zh: '见证人签名验证失败。',
  },
});

export type ChainErrorCode = keyof typeof chainErrors;
