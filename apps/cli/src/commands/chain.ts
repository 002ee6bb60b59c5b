import { readFileSync } from 'node:fs';
import { type ChainService, chainErrors, readKey } from '@zhirong/chain';
import { type EvidenceBundle, hexToBytes, verifyEvidence } from '@zhirong/chain/verifier';
import type { EvidenceFlow } from '@zhirong/flows';
import { type Language, messageFor } from '@zhirong/kernel';
import type { Platform } from '@zhirong/platform';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (chainErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  return def ? `${code}: ${messageFor(def, cliLanguage(), params as Record<string, unknown>)}` : code;
}

function wholeNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) fail(`${name} must be a whole number ≥ 0`);
  return n;
}

/**
 * Brings the log up to date before reading it: events committed by earlier CLI runs (which do
 * not run the outbox relay) are published now, so their records are appended, and a head is
 * signed for the current size.
 */
export async function catchUp(platform: Platform): Promise<ChainService> {
  platform.start();
  // This process publishes with drain() alone, so no background pass is still appending when it returns.
  await platform.relay.stop();
  await platform.relay.drain();
  const chain = platform.service<ChainService>('chain');
  await chain.signHead();
  return chain;
}

export function registerChainCommands(program: Command): void {
  const chain = program
    .command('chain')
    .description('Evidence log (存证): signed tree heads, proofs, verification, audit, witnesses');

  chain
    .command('head')
    .description('Sign a head for the current log (if it grew) and print the latest head with its cosignatures')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      await withPlatform(configFromEnv(), async (platform) => {
        const service = await catchUp(platform);
        const head = await service.latestHead();
        if (!head) fail(explain('chain_no_head'), 1);
        if (opts.json) return printJson({ ...head, publicKey: Buffer.from(service.publicKey).toString('hex') });
        console.log(`log ${head.logId}`);
        console.log(
          `  size ${head.treeSize}  root ${head.rootHash}  signed ${new Date(head.timestampMs).toISOString()}`,
        );
        console.log(
          `  cosignatures ${head.cosignatures.length} of quorum ${service.witnessQuorum}: ${head.final ? 'final' : 'not final yet'}`,
        );
      });
    });

  chain
    .command('proof <recordType> <recordId>')
    .description('Print the evidence bundle of a record (leaf, inclusion proof, signed head, cosignatures)')
    .option('--tree-size <n>', 'prove against the head of this size instead of the latest (final) one')
    .option('--no-body', 'leave the record body out of the bundle')
    .action(async (recordType: string, recordId: string, opts) => {
      const treeSize = opts.treeSize === undefined ? undefined : wholeNumber('--tree-size', String(opts.treeSize));
      await withPlatform(configFromEnv(), async (platform) => {
        const service = await catchUp(platform);
        const bundle = await service.evidence(recordType, recordId, treeSize);
        if (!bundle.ok) fail(explain(bundle.code, bundle.params), 1);
        const body =
          opts.body === false
            ? undefined
            : await platform.service<EvidenceFlow>('evidence').recordBody(recordType, recordId);
        printJson({
          ...bundle.value,
          ...(body === undefined ? {} : { record: { recordType, recordId, body: JSON.parse(JSON.stringify(body)) } }),
          publicKey: Buffer.from(service.publicKey).toString('hex'),
        });
      });
    });

  chain
    .command('verify-proof <file>')
    .description('Check an evidence bundle with only the log public key (no database): exit 0 valid, 1 invalid')
    .option('--public-key <hex>', "the log's Ed25519 public key; default: the key of the configured log")
    .option('--witness <hex...>', 'public keys of witnesses you trust')
    .option('--quorum <k>', 'how many trusted witnesses must have co-signed (with --witness)')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts) => {
      let bundle: EvidenceBundle;
      try {
        bundle = JSON.parse(readFileSync(file, 'utf8')) as EvidenceBundle;
      } catch (error) {
        fail(`cannot read ${file}: ${(error as Error).message}`);
      }
      let publicKey: Uint8Array;
      try {
        publicKey = opts.publicKey
          ? hexToBytes(String(opts.publicKey))
          : readKey(configFromEnv().chainKeyFile).publicKey;
      } catch (error) {
        fail(`no usable public key (${(error as Error).message}); pass --public-key <hex>`);
      }
      if (publicKey.length !== 32) fail('--public-key must be 64 hex characters');
      const witnesses = (opts.witness ?? []) as string[];
      const quorum = opts.quorum === undefined ? witnesses.length : wholeNumber('--quorum', String(opts.quorum));
      const report = await verifyEvidence(
        bundle,
        publicKey,
        witnesses.length > 0 ? { witnesses: { keys: witnesses, quorum } } : {},
      );
      if (opts.json) printJson(report);
      else {
        for (const c of report.checks)
          console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? `  (${c.detail})` : ''}`);
        console.log(report.ok ? 'proof verified' : 'proof NOT verified');
      }
      process.exitCode = report.ok ? 0 : 1;
    });

  chain
    .command('audit')
    .description('Re-hash every logged record from its domain and rebuild the tree (exit 1 on any mismatch)')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const report = await withPlatform(configFromEnv(), async (platform) => {
        await catchUp(platform);
        return platform.service<EvidenceFlow>('evidence').audit();
      });
      if (opts.json) printJson(report);
      else {
        console.log(
          `leaves ${report.leaves}, stored hashes checked ${report.nodes}, heads ${report.heads}, records re-hashed ${report.recordsChecked}, unchecked ${report.recordsUnchecked}`,
        );
        for (const p of report.problems) console.log(`MISMATCH ${p.check} ${p.subject}: ${p.detail}`);
        console.log(
          report.ok
            ? 'log audited: every record and hash matches'
            : `log NOT audited clean: ${report.problems.length} problem(s)`,
        );
      }
      process.exitCode = report.ok ? 0 : 1;
    });

  const witness = chain.command('witness').description('Witnesses of this log (other institutions that co-sign heads)');
  witness
    .command('add')
    .description('Register a witness by name and Ed25519 public key')
    .requiredOption('--name <name>', 'the institution')
    .requiredOption('--public-key <hex>', "the witness's public key (64 hex characters)")
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      await withPlatform(configFromEnv(), async (platform) => {
        const result = await platform
          .service<ChainService>('chain')
          .registerWitness(String(opts.name), String(opts.publicKey));
        if (!result.ok) fail(explain(result.code, result.params), 1);
        const view = { name: result.value.name, publicKey: result.value.publicKey.toString('hex') };
        if (opts.json) printJson(view);
        else console.log(`witness ${view.name} ${view.publicKey}`);
      });
    });
  witness
    .command('list')
    .description('Registered witnesses and fork alarms')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      await withPlatform(configFromEnv(), async (platform) => {
        const service = platform.service<ChainService>('chain');
        const witnesses = (await service.listWitnesses()).map((w) => ({
          name: w.name,
          publicKey: w.publicKey.toString('hex'),
        }));
        const alarms = await service.listAlarms(100);
        if (opts.json) return printJson({ witnesses, alarms });
        for (const w of witnesses) console.log(`${w.name}  ${w.publicKey}`);
        for (const a of alarms) console.log(`FORK ALARM ${a.raisedAt.toISOString()}: ${a.reason}`);
      });
    });
}
