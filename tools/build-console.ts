// Builds the web console (apps/console) into apps/console/dist with Vite, writes gzip and brotli
// copies of every compressible file for the server to send as they are, and writes
// dist/bundle-report.json: the gzipped size of every script, and of the shell — the scripts the
// first page load fetches (index.html's entry and what it imports statically).
// Run by `npm run build:console` and by `npm ci` (tools/prepare.ts).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const CONSOLE_DIR = fileURLToPath(new URL('../apps/console', import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
/** The budget for the JavaScript of the first page load, gzipped. */
export const SHELL_GZIP_BYTES_MAX = 300 * 1024;

export interface BundleReport {
  /** Gzipped bytes of the scripts the first page load fetches. */
  readonly shellGzipBytes: number;
  readonly shellFiles: readonly string[];
  readonly totalGzipBytes: number;
  readonly files: readonly { file: string; bytes: number; gzipBytes: number }[];
}

export async function buildConsole(options: { quiet?: boolean } = {}): Promise<BundleReport> {
  const { build } = await import('vite');
  // Always the production build of React, even when called from a test run (NODE_ENV=test).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(CONSOLE_DIR, 'vite.config.ts'),
      root: CONSOLE_DIR,
      mode: 'production',
      logLevel: options.quiet ? 'warn' : 'info',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const report = compressAndMeasure(CONSOLE_DIST);
  writeFileSync(join(CONSOLE_DIST, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Newest modification time of the console's sources (and its config). */
function sourcesMtime(): number {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  return Math.max(
    newest(join(CONSOLE_DIR, 'src')),
    newest(join(CONSOLE_DIR, 'public')),
    statSync(join(CONSOLE_DIR, 'index.html')).mtimeMs,
    statSync(join(CONSOLE_DIR, 'vite.config.ts')).mtimeMs,
  );
}

/** Builds the console unless dist/ is newer than every source; returns the bundle report. For tests. */
export async function ensureConsoleBuilt(): Promise<BundleReport> {
  const report = join(CONSOLE_DIST, 'bundle-report.json');
  if (existsSync(report) && statSync(report).mtimeMs >= sourcesMtime()) {
    return JSON.parse(readFileSync(report, 'utf8')) as BundleReport;
  }
  return buildConsole({ quiet: true });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export function compressAndMeasure(dist: string): BundleReport {
  const files: { file: string; bytes: number; gzipBytes: number }[] = [];
  for (const path of walk(dist)) {
    if (!/\.(js|css|html|svg|json)$/.test(path) || path.endsWith('bundle-report.json')) continue;
    const body = readFileSync(path);
    const gzip = gzipSync(body, { level: 9 });
    if (body.length >= 1024) {
      writeFileSync(`${path}.gz`, gzip);
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        }),
      );
    }
    if (path.endsWith('.js'))
      files.push({ file: relative(dist, path), bytes: statSync(path).size, gzipBytes: gzip.length });
  }
  // The shell: the entry script in index.html and, transitively, its static imports.
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
  if (entry === undefined) throw new Error('no entry script in index.html');
  const shell = new Set<string>();
  const visit = (file: string) => {
    if (shell.has(file)) return;
    shell.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    for (const match of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      visit(join('assets', match[1] ?? ''));
    }
  };
  visit(entry);
  const shellFiles = [...shell].sort();
  const gzipOf = (file: string) => files.find((f) => f.file === file)?.gzipBytes ?? 0;
  return {
    shellGzipBytes: shellFiles.reduce((sum, file) => sum + gzipOf(file), 0),
    shellFiles,
    totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    files: files.sort((a, b) => b.gzipBytes - a.gzipBytes),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await buildConsole();
  process.stdout.write(
    `console built: shell ${(report.shellGzipBytes / 1024).toFixed(1)} KiB gzipped (${report.shellFiles.join(', ')}); all scripts ${(report.totalGzipBytes / 1024).toFixed(1)} KiB\n`,
  );
  if (report.shellGzipBytes > SHELL_GZIP_BYTES_MAX) {
    process.stderr.write(`the shell exceeds ${SHELL_GZIP_BYTES_MAX / 1024} KiB gzipped\n`);
    process.exit(1);
  }
}
