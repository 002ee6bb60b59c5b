import { MlError, parseCsv } from '@zhirong/ml';
import { AmlError } from '../errors.ts';
import type { NameRecord } from './screening.ts';

/** Most entries read from one list file. */
export const LIST_ENTRIES_MAX = 5_000_000;

/** A list entry with the id the source gave it (FollowTheMoney entity id, or the CSV `id` column). */
export interface ListRecord extends NameRecord {
  readonly sourceId?: string;
  readonly schema?: string;
}

function column(header: readonly string[], name: string): number {
  return header.findIndex((h) => h.trim().toLowerCase() === name);
}

/**
 * Reads a CSV list or input file: a `full_name` column (required), optional `date_of_birth`,
 * `nationality`, `aliases` (several separated by `;` or `|`) and `id`. Every row must have a name.
 */
export function readCsvNames(text: string, file: string): ListRecord[] {
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text, { file, rowsMax: LIST_ENTRIES_MAX });
  } catch (error) {
    if (error instanceof MlError) {
      if (error.code === 'csv_malformed') {
        throw new AmlError('list_csv_malformed', {
          file,
          line: error.params.line,
          reason: String(error.params.reason ?? ''),
        });
      }
      if (error.code === 'csv_empty') throw new AmlError('list_empty', { file });
      throw new AmlError('list_csv_malformed', { file, line: 1, reason: error.message });
    }
    throw error;
  }
  if (table.header.length === 0) throw new AmlError('list_empty', { file });
  const nameColumn = column(table.header, 'full_name');
  if (nameColumn < 0) throw new AmlError('list_column_missing', { file, column: 'full_name' });
  const dobColumn = column(table.header, 'date_of_birth');
  const nationalityColumn = column(table.header, 'nationality');
  const aliasesColumn = column(table.header, 'aliases');
  const idColumn = column(table.header, 'id');
  return table.rows.map((row, i) => {
    const fullName = (row[nameColumn] ?? '').trim();
    if (fullName.length === 0) throw new AmlError('name_missing', { file, row: i });
    const aliases =
      aliasesColumn < 0
        ? []
        : (row[aliasesColumn] ?? '')
            .split(/[;|]/)
            .map((a) => a.trim())
            .filter((a) => a.length > 0);
    const record: ListRecord = {
      fullName,
      aliases,
      ...(dobColumn >= 0 ? { dateOfBirth: row[dobColumn] ?? '' } : {}),
      ...(nationalityColumn >= 0 ? { nationality: row[nationalityColumn] ?? '' } : {}),
      ...(idColumn >= 0 ? { sourceId: row[idColumn] ?? '' } : {}),
    };
    return record;
  });
}

/** FollowTheMoney schemata screened: people and the bodies that can be sanctioned. */
const SCREENED_SCHEMATA: ReadonlySet<string> = new Set([
  'Person',
  'Organization',
  'Company',
  'LegalEntity',
  'PublicBody',
]);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim().length > 0) : [];
}

/**
 * Reads OpenSanctions FollowTheMoney JSON lines (one entity per line, as in the `entities.ftm.json`
 * exports): Person, Organization, Company, LegalEntity and PublicBody entities with properties
 * `name`, `alias` (and `weakAlias`), `birthDate`, `nationality` (or `citizenship`, `country`).
 * Other schemata (sanctions, addresses, relations) are skipped.
 */
export function readFtmNames(text: string, file: string): ListRecord[] {
  const out: ListRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t.length === 0) return;
    let entity: unknown;
    try {
      entity = JSON.parse(t);
    } catch {
      throw new AmlError('list_json_malformed', { file, line: i + 1, reason: 'not JSON' });
    }
    if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) {
      throw new AmlError('list_json_malformed', { file, line: i + 1, reason: 'not an object' });
    }
    const e = entity as { id?: unknown; schema?: unknown; caption?: unknown; properties?: unknown };
    if (typeof e.schema !== 'string') {
      throw new AmlError('list_json_malformed', { file, line: i + 1, reason: 'no schema' });
    }
    if (!SCREENED_SCHEMATA.has(e.schema)) return;
    const p = (typeof e.properties === 'object' && e.properties !== null ? e.properties : {}) as Record<
      string,
      unknown
    >;
    const names = strings(p.name);
    const caption = typeof e.caption === 'string' ? e.caption.trim() : '';
    const fullName = names[0] ?? caption;
    if (fullName.length === 0) return;
    if (out.length >= LIST_ENTRIES_MAX) throw new AmlError('list_too_large', { file, max: LIST_ENTRIES_MAX });
    const aliases = [...names.slice(1), ...strings(p.alias), ...strings(p.weakAlias)];
    const nationality = [...strings(p.nationality), ...strings(p.citizenship), ...strings(p.country)][0];
    const birthDate = strings(p.birthDate)[0];
    out.push({
      fullName,
      aliases: [...new Set(aliases)].filter((a) => a !== fullName),
      ...(birthDate !== undefined ? { dateOfBirth: birthDate } : {}),
      ...(nationality !== undefined ? { nationality } : {}),
      ...(typeof e.id === 'string' ? { sourceId: e.id } : {}),
      schema: e.schema,
    });
  });
  if (out.length === 0) throw new AmlError('list_empty', { file });
  return out;
}
