import { readFileSync } from 'node:fs';
import { ibanCheckDigits } from './identifiers.ts';
import { el, serialize, type XmlNode } from './xml-writer.ts';

/** Test and benchmark helpers: the hand-written fixtures, and generated messages of any size. */

export const FIXTURES = [
  'pain001-sepa-multi.xml',
  'pain001-prefixed-cny.xml',
  'pain001-v09-sepa.xml',
  'pacs008-cbpr.xml',
  'pacs008-envelope-batch.xml',
  'camt053-v02-batch.xml',
  'camt053-v08-cbpr.xml',
] as const;

export type FixtureName = (typeof FIXTURES)[number];

/** The bytes of a fixture under src/fixtures. */
export function fixtureBytes(name: FixtureName): Uint8Array {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

export function fixtureText(name: FixtureName): string {
  return new TextDecoder().decode(fixtureBytes(name)).replace(/^\uFEFF/, '');
}

/** A German IBAN for account number `n` (bank code 37040044), with correct check digits. */
export function germanIban(n: number): string {
  const bban = `37040044${n.toString().padStart(10, '0')}`;
  return `DE${ibanCheckDigits('DE', bban)}${bban}`;
}

/**
 * A valid SEPA pain.001.001.03 with `transactions` credit transfers spread over `blocks` payment
 * information blocks, amounts 1.00 to 9999.99 EUR derived from the index (deterministic).
 */
export function generatePain001(transactions: number, blocks = 1): string {
  const perBlock = Math.ceil(transactions / blocks);
  let total = 0n;
  const blockNodes: XmlNode[] = [];
  for (let b = 0; b < blocks; b++) {
    const start = b * perBlock;
    const end = Math.min(transactions, start + perBlock);
    if (start >= end) break;
    let blockTotal = 0n;
    const txs: XmlNode[] = [];
    for (let i = start; i < end; i++) {
      const cents = BigInt(((i * 7919) % 999_900) + 100);
      blockTotal += cents;
      txs.push(
        el('CdtTrfTxInf', [
          el('PmtId', [el('InstrId', `INSTR-${i}`), el('EndToEndId', `E2E-${i.toString().padStart(8, '0')}`)]),
          el('Amt', [el('InstdAmt', toAmount(cents), { Ccy: 'EUR' })]),
          el('CdtrAgt', [el('FinInstnId', [el('BIC', 'INGBNL2A')])]),
          el('Cdtr', [el('Nm', `Creditor ${i} 收款人`)]),
          el('CdtrAcct', [el('Id', [el('IBAN', germanIban(i + 1))])]),
          el('RmtInf', [el('Ustrd', `Invoice ${i}`)]),
        ]),
      );
    }
    total += blockTotal;
    blockNodes.push(
      el('PmtInf', [
        el('PmtInfId', `BLOCK-${b}`),
        el('PmtMtd', 'TRF'),
        el('BtchBookg', 'true'),
        el('NbOfTxs', String(end - start)),
        el('CtrlSum', toAmount(blockTotal)),
        el('PmtTpInf', [el('SvcLvl', [el('Cd', 'SEPA')])]),
        el('ReqdExctnDt', '2026-03-13'),
        el('Dbtr', [el('Nm', 'Bulk Payer GmbH')]),
        el('DbtrAcct', [el('Id', [el('IBAN', 'DE89370400440532013000')])]),
        el('DbtrAgt', [el('FinInstnId', [el('BIC', 'COBADEFFXXX')])]),
        el('ChrgBr', 'SLEV'),
        ...txs,
      ]),
    );
  }
  const document = el('Document', [
    el('CstmrCdtTrfInitn', [
      el('GrpHdr', [
        el('MsgId', `BULK-${transactions}`),
        el('CreDtTm', '2026-03-12T09:30:47'),
        el('NbOfTxs', String(transactions)),
        el('CtrlSum', toAmount(total)),
        el('InitgPty', [el('Nm', 'Bulk Payer GmbH')]),
      ]),
      ...blockNodes,
    ]),
  ]);
  document.attributes = { xmlns: 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03' };
  return serialize(document);
}

function toAmount(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}
