import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

let template: Promise<Blob> | undefined;

/** Where the pristine data-directory dump of the installed PGlite version is kept. */
export function pgliteTemplateFile(): string {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const version = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version as string;
  return join(tmpdir(), `zhirong-pglite-template-${version}.tar`);
}

/**
 * A dump of a pristine PGlite data directory. Creating a database from it takes about a second;
 * creating one from scratch runs initdb, about five seconds here. The dump is made once per PGlite
 * version (by `npm ci`'s prepare step, or on first use) and shared by every process on the machine:
 * the first `npm start` and every test database start from it.
 */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = pgliteTemplateFile();
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return template;
}

/** Whether `dataDir` already holds a database (PostgreSQL writes PG_VERSION at initdb). */
export function isInitialisedDataDir(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}
