import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { accessErrors } from '@zhirong/access';
import { amlErrors } from '@zhirong/aml';
import { chainErrors } from '@zhirong/chain';
import { creditErrors } from '@zhirong/credit';
import { identityErrors } from '@zhirong/identity';
import { iso20022Errors } from '@zhirong/iso20022';
import type { ErrorCatalog } from '@zhirong/kernel';
import { ledgerErrors } from '@zhirong/ledger';
import { mlErrors } from '@zhirong/ml';
import { paymentsErrors } from '@zhirong/payments';
import { featureErrors, graphErrors, riskErrors, ruleErrors, sourceErrors } from '@zhirong/risk';
import { scfErrors } from '@zhirong/scf';
import { webhooksErrors } from '@zhirong/webhooks';
import { httpErrors } from '../apps/server/src/errors.ts';

/** Every error catalog of the platform, by where the codes come from. */
export const CATALOGS: readonly { readonly name: string; readonly catalog: ErrorCatalog }[] = [
  { name: 'http (apps/server)', catalog: httpErrors },
  { name: 'access', catalog: accessErrors },
  { name: 'identity', catalog: identityErrors },
  { name: 'ledger', catalog: ledgerErrors },
  { name: 'webhooks', catalog: webhooksErrors },
  { name: 'chain', catalog: chainErrors },
  { name: 'scf', catalog: scfErrors },
  { name: 'ml (toolkit and `zhirong ml`)', catalog: mlErrors },
  { name: 'iso20022 (ISO 20022 import: element-level validation)', catalog: iso20022Errors },
  { name: 'payments', catalog: paymentsErrors },
  { name: 'risk', catalog: riskErrors },
  { name: 'risk rules (each entry of `errors` in a `rule_invalid` problem)', catalog: ruleErrors },
  { name: 'risk features (feature store)', catalog: featureErrors },
  { name: 'risk graph (entity graph)', catalog: graphErrors },
  { name: 'risk sources (simulator and PaySim input)', catalog: sourceErrors },
  { name: 'credit', catalog: creditErrors },
  { name: 'aml (screening and `zhirong aml`)', catalog: amlErrors },
];

export const ERRORS_DOC = fileURLToPath(new URL('../docs/ERRORS.md', import.meta.url));

/** docs/ERRORS.md, generated from the catalogs; `errors-doc.test.ts` keeps the two in step. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error the API returns is an RFC 9457 `application/problem+json` document:',
    '',
    '```json',
    '{ "type": "https://zhirong.dev/problems/exceeds_credits", "title": "…", "status": 422,',
    '  "code": "exceeds_credits", "detail": "…", "instance": "req_…" }',
    '```',
    '',
    '`code` is stable and machine-readable; `title` is in the language the `Accept-Language` header asks',
    'for (zh-CN or en, default en). Batch endpoints return one result per item with the same codes.',
    '',
    'This file is generated from the error catalogs (`npx tsx tools/errors-doc.ts`); a test fails when',
    'the two differ.',
  ];
  for (const { name, catalog } of CATALOGS) {
    lines.push('', `## ${name}`, '', '| code | HTTP | en | zh-CN |', '|---|---|---|---|');
    for (const [code, def] of Object.entries(catalog).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| \`${code}\` | ${def.status} | ${def.en} | ${def.zh} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
}
