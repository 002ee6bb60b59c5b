import { availableParallelism, cpus } from 'node:os';
import type { CreditTransfer } from '@zhirong/iso20022';

export interface Iso20022BenchOptions {
  transactions: number;
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/**
 * ISO 20022 throughput, in process: parse and fully validate a generated SEPA pain.001 of
 * `transactions` credit transfers (4 payment information blocks), `runs` times; then build a
 * pacs.008 of the parsed transfers and parse it back (the outbound payout path).
 */
export async function benchIso20022(options: Iso20022BenchOptions) {
  const { buildPacs008, parseIso20022 } = await import('@zhirong/iso20022');
  const { generatePain001 } = await import('@zhirong/iso20022/testing');
  const xml = new TextEncoder().encode(generatePain001(options.transactions, 4));
  const parseMs: number[] = [];
  const parseCpuMs: number[] = [];
  let transfers: CreditTransfer[] = [];
  for (let run = 0; run < options.runs; run++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = parseIso20022(xml);
    parseMs.push(performance.now() - started);
    // CPU time of this single-threaded work: close to the wall time a quiet machine would show.
    const used = process.cpuUsage(cpu);
    parseCpuMs.push((used.user + used.system) / 1000);
    if (!result.ok) throw new Error(`generated message rejected: ${result.errors[0]?.message}`);
    if ('transfers' in result.message) transfers = result.message.transfers;
  }
  const buildStarted = performance.now();
  const buildCpu = process.cpuUsage();
  const pacs = buildPacs008({
    messageId: 'BENCH-PACS008',
    createdAt: '2026-03-16T10:00:00Z',
    settlementDate: '2026-03-16',
    instructingAgentBic: 'COBADEFFXXX',
    instructedAgentBic: 'INGBNL2A',
    transfers,
  });
  const buildMs = performance.now() - buildStarted;
  const buildCpuUsed = process.cpuUsage(buildCpu);
  const p50 = median(parseMs);
  return {
    benchmark: 'iso20022',
    message: 'pain.001.001.03',
    transactions: options.transactions,
    bytes: xml.byteLength,
    runs: options.runs,
    parse_ms_p50: round(p50),
    parse_ms_min: round(Math.min(...parseMs)),
    parse_cpu_ms_p50: round(median(parseCpuMs)),
    transactions_per_sec: Math.round(options.transactions / (p50 / 1000)),
    megabytes_per_sec: round(xml.byteLength / 1e6 / (p50 / 1000)),
    pacs008_build_and_reparse_ms: round(buildMs),
    pacs008_build_and_reparse_cpu_ms: round((buildCpuUsed.user + buildCpuUsed.system) / 1000),
    pacs008_bytes: pacs.length,
    node: process.version,
    cpus: availableParallelism(),
    cpu_model: cpus()[0]?.model ?? 'unknown',
  };
}
