import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';

/** What a table does with a code it has no row for. */
export const UnmappedRule = {
  error: 'error',
  default: 'default',
  passthrough: 'passthrough',
} as const;
export type UnmappedRule = (typeof UnmappedRule)[keyof typeof UnmappedRule];

export interface LookupTable {
  readonly name: string;
  readonly file: string;
  readonly entries: ReadonlyMap<string, string>;
  readonly unmapped: UnmappedRule;
  readonly default?: string;
  /** The file's text, part of the mapping's content hash. */
  readonly text: string;
}

/**
 * Loads `tables/<name>.yaml` (`unmapped`, `default`, `entries: {local: ers}`) or
 * `tables/<name>.csv` (columns `local,ers`; rule `error` unless the mapping says otherwise).
 * Returns a message instead of throwing so the compiler can collect it.
 */
export function loadTable(dir: string, name: string): LookupTable | string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return `table name "${name}" is not [a-z0-9-]`;
  const yamlFile = join(dir, `${name}.yaml`);
  const csvFile = join(dir, `${name}.csv`);
  try {
    if (existsSync(yamlFile)) {
      const text = readFileSync(yamlFile, 'utf8');
      const doc = parseYaml(text) as {
        unmapped?: string;
        default?: unknown;
        entries?: Record<string, unknown>;
      };
      const rule = doc.unmapped ?? 'error';
      if (!(rule in UnmappedRule))
        return `table ${name}: unmapped must be error, default or passthrough`;
      const entries = new Map(Object.entries(doc.entries ?? {}).map(([k, v]) => [k, String(v)]));
      return {
        name,
        file: yamlFile,
        entries,
        unmapped: rule as UnmappedRule,
        ...(typeof doc.default === 'string' || typeof doc.default === 'number'
          ? { default: String(doc.default) }
          : {}),
        text,
      };
    }
    if (existsSync(csvFile)) {
      const text = readFileSync(csvFile, 'utf8');
      const rows: Record<string, string>[] = parseCsv(text, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
      });
      const [head] = rows;
      if (head && (!('local' in head) || !('ers' in head)))
        return `table ${name}: CSV needs the columns local,ers`;
      return {
        name,
        file: csvFile,
        entries: new Map(rows.map((r) => [r['local'] ?? '', r['ers'] ?? ''])),
        unmapped: 'error',
        text,
      };
    }
  } catch (error) {
    return `table ${name} cannot be read: ${(error as Error).message}`;
  }
  return `no table "${name}" in ${dir} (looked for ${name}.yaml and ${name}.csv)`;
}
