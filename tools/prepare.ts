// Runs after `npm ci` / `npm install` (the root `prepare` script): makes the pristine PGlite
// data-directory dump that a first `npm start` and every test database start from, and builds the
// web console that `npm start` serves at `/`.
import { pgliteTemplate, pgliteTemplateFile } from '../packages/db/src/pglite-template.ts';
import { buildConsole } from './build-console.ts';

await pgliteTemplate();
process.stdout.write(`PGlite template ready: ${pgliteTemplateFile()}\n`);

try {
  const report = await buildConsole({ quiet: true });
  process.stdout.write(`Console built: shell ${(report.shellGzipBytes / 1024).toFixed(1)} KiB of gzipped JavaScript\n`);
} catch (error) {
  // Without dev dependencies (npm ci --omit=dev) there is no Vite: the API still works, and `/`
  // says how to build the console.
  process.stderr.write(
    `The console was not built (${error instanceof Error ? error.message : String(error)}); run npm run build:console\n`,
  );
}
