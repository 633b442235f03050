import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { nearestWord, type CompileIssue } from './positions.js';

/** What a table does with a code it has no row for. */
export const UnmappedRule = {
  error: 'error',
  default: 'default',
  passthrough: 'passthrough',
} as const;
export type UnmappedRule = (typeof UnmappedRule)[keyof typeof UnmappedRule];

/** Where a value sits in its table file (1-based), for the code checks' messages. */
export interface TablePosition {
  readonly line: number;
  readonly column: number;
}

export interface LookupTable {
  readonly name: string;
  readonly file: string;
  readonly entries: ReadonlyMap<string, string>;
  /** Position of each entry's e-RS value, by local code. */
  readonly positions: ReadonlyMap<string, TablePosition>;
  readonly unmapped: UnmappedRule;
  readonly default?: string;
  readonly defaultPosition?: TablePosition;
  /** The file's text, part of the mapping's content hash. */
  readonly text: string;
}

/** A table, or every problem of its file (`file:line:col`), or a one-line reason (no file). */
export type TableLoad = LookupTable | readonly CompileIssue[] | string;

const TABLE_KEYS = ['unmapped', 'default', 'entries'] as const;

// Parsed with YAML's failsafe schema, every scalar is a string: `01:` stays "01" (the core
// schema would make it the number 1) and `'11004'` and `11004` are the same code.
const TableFileSchema = z.strictObject({
  unmapped: z.enum(['error', 'default', 'passthrough']).optional(),
  default: z.string().min(1).optional(),
  entries: z.record(z.string(), z.string()),
});

/**
 * Loads `tables/<name>.yaml` (`unmapped`, `default`, `entries: {local: ers}`) or
 * `tables/<name>.csv` (columns `local,ers`; rule `error` unless the mapping says otherwise).
 * Returns problems instead of throwing so the compiler can collect them.
 */
export function loadTable(dir: string, name: string): TableLoad {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return `table name "${name}" is not [a-z0-9-]`;
  const yamlFile = join(dir, `${name}.yaml`);
  const csvFile = join(dir, `${name}.csv`);
  try {
    if (existsSync(yamlFile)) return yamlTable(name, yamlFile, readFileSync(yamlFile, 'utf8'));
    if (existsSync(csvFile)) return csvTable(name, csvFile, readFileSync(csvFile, 'utf8'));
  } catch (error) {
    return `table ${name} cannot be read: ${(error as Error).message}`;
  }
  return `no table "${name}" in ${dir} (looked for ${name}.yaml and ${name}.csv)`;
}

/** Pure: a YAML table file checked by schema, with the position of every value. */
export function yamlTable(name: string, file: string, text: string): TableLoad {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: 'failsafe', prettyErrors: false });
  const issues: CompileIssue[] = [];
  const at = (node: Node | null | undefined): TablePosition => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  const add = (node: Node | null | undefined, message: string, hint: string): void => {
    issues.push({ file, ...at(node), message, hint });
  };
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    issues.push({
      file,
      line,
      column: col,
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      hint: 'check indentation and quoting',
    });
  }
  if (issues.length > 0) return issues;
  const root = doc.contents;
  if (!isMap(root)) {
    add(root, `table ${name} is not a map`, 'unmapped: error, then entries: { LOCAL: ERS_CODE }');
    return issues;
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if ((TABLE_KEYS as readonly string[]).includes(key)) continue;
    const near = nearestWord(key, TABLE_KEYS);
    add(
      pair.key,
      `unknown key "${key}" in table ${name}`,
      near ? `did you mean "${near}"?` : `a table has ${TABLE_KEYS.join(', ')}`,
    );
  }
  const entriesNode = doc.get('entries', true) as Node | undefined;
  const positions = new Map<string, TablePosition>();
  const entries = new Map<string, string>();
  if (entriesNode === undefined)
    add(root, `table ${name} has no entries`, 'entries: { R: ROUTINE }');
  else if (!isMap(entriesNode))
    add(entriesNode, `entries of table ${name} must be a map`, 'entries: { R: ROUTINE }');
  else
    for (const pair of entriesNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const value = isScalar(pair.value) ? String(pair.value.value) : undefined;
      if (key === undefined) {
        add(pair.key as Node, `a key of table ${name} is not a plain code`, 'write LOCAL: ERS');
        continue;
      }
      if (value === undefined || value === '' || value === '~') {
        add(
          pair.key as Node,
          `entry "${key}" of table ${name} has no e-RS code`,
          `${key}: <the e-RS code>`,
        );
        continue;
      }
      if (entries.has(key))
        add(pair.key as Node, `code "${key}" is listed twice in table ${name}`, 'keep one');
      entries.set(key, value);
      positions.set(key, at(pair.value as Node));
    }
  const parsed = TableFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Unknown keys and entry shapes are reported above, at their own line.
      if (issue.code === 'unrecognized_keys' || issue.path[0] === 'entries') continue;
      const node = doc.getIn(issue.path as (string | number)[], true) as Node | undefined;
      add(node ?? root, `table ${name}: ${issue.path.join('.')} ${issue.message}`, hintOf(issue));
    }
  }
  if (issues.length > 0 || !parsed.success) return issues;
  const def = parsed.data.default;
  return {
    name,
    file,
    entries,
    positions,
    unmapped: parsed.data.unmapped ?? 'error',
    ...(def === undefined
      ? {}
      : { default: def, defaultPosition: at(doc.get('default', true) as Node) }),
    text,
  };
}

function hintOf(issue: z.core.$ZodIssue): string {
  return issue.path[0] === 'unmapped'
    ? 'unmapped: error | default | passthrough'
    : 'see docs/mapping.md (lookup tables)';
}

/** Pure: a CSV table (`local,ers`), with the position of every e-RS value. */
export function csvTable(name: string, file: string, text: string): TableLoad {
  const records: { record: Record<string, string>; info: { lines: number } }[] = parseCsv(text, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
  });
  const [head] = records;
  if (head && (!('local' in head.record) || !('ers' in head.record)))
    return [
      {
        file,
        line: 1,
        column: 1,
        message: `table ${name}: CSV needs the columns local,ers`,
        hint: 'first line: local,ers',
      },
    ];
  const rawLines = text.split(/\r?\n/);
  const positions = new Map<string, TablePosition>();
  const entries = new Map<string, string>();
  for (const { record, info } of records) {
    const local = record['local'] ?? '';
    const ers = record['ers'] ?? '';
    entries.set(local, ers);
    const line = info.lines;
    const lineText = rawLines[line - 1] ?? '';
    positions.set(local, { line, column: Math.max(lineText.lastIndexOf(ers), 0) + 1 });
  }
  return { name, file, entries, positions, unmapped: 'error', text };
}
