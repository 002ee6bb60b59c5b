import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time used by processes, read from Linux's /proc (utime + stime). Throughput on a shared
 * two-core machine swings with whatever else runs; CPU milliseconds per unit of work do not, so the
 * benchmarks report both. Elsewhere than Linux every reading is undefined and the figures are omitted.
 */
const TICKS_PER_SECOND = 100;

function cpuMsOfStat(text: string): number {
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds used so far by process `pid`, or undefined when it cannot be read. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds used so far by every running process named `name` whose command line passes
 * `accept` (PostgreSQL backends show their database in it).
 */
export function processesCpuMs(name: string, accept: (cmdline: string) => boolean = () => true): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let total = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
      if (accept(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '))) total += cpuMsOfStat(stat);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

/** A snapshot of the CPU used by the benchmark itself, the server under test and PostgreSQL. */
export interface CpuSnapshot {
  readonly client: number | undefined;
  readonly server: number | undefined;
  readonly postgres: number | undefined;
}

/**
 * `database`: when set, PostgreSQL backends serving other databases (other work on a shared
 * machine) are left out; the server's shared processes (WAL writer, checkpointer, autovacuum) count.
 */
export function cpuSnapshot(serverPid: number | undefined, database?: string): CpuSnapshot {
  const ours = (cmdline: string) => {
    if (database === undefined) return true;
    // Backends are titled `postgres: [cluster: ]<user> <database> <client> <state>`; shared
    // processes (checkpointer, WAL writer, autovacuum) name no client.
    const words = cmdline.trim().split(/\s+/);
    const client = words.findIndex((word) => /\(\d+\)$/.test(word) || word === '[local]');
    return client < 1 || words[client - 1] === database;
  };
  return {
    client: processCpuMs(process.pid),
    server: processCpuMs(serverPid),
    postgres: processesCpuMs('postgres', ours),
  };
}

/**
 * CPU milliseconds per 1,000 units of work between two snapshots, by process. PostgreSQL backends
 * that exit between the snapshots take their CPU with them, so its figure is a lower bound.
 */
export function cpuPerThousand(
  before: CpuSnapshot,
  after: CpuSnapshot,
  units: number,
): Record<string, number> | undefined {
  if (units <= 0) return undefined;
  const out: Record<string, number> = {};
  for (const key of ['client', 'server', 'postgres'] as const) {
    const a = before[key];
    const b = after[key];
    if (a !== undefined && b !== undefined) out[key] = Math.round(((b - a) * 1000 * 10) / units) / 10;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
