// Runs after `npm ci` / `npm install` (the root `prepare` script): makes the pristine PGlite
// data-directory dump that a first `npm start` and every test database start from.
import { pgliteTemplate, pgliteTemplateFile } from '../packages/db/src/pglite-template.ts';

await pgliteTemplate();
process.stdout.write(`PGlite template ready: ${pgliteTemplateFile()}\n`);
