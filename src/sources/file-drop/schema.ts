import { z } from 'zod';
import { CsvOptionsSchema } from '../../formats/csv/index.js';

export const FileDropSchema = z
  .object({
    /** The share folder watched; processing/, processed/ and error/ are made inside it. */
    folder: z.string().min(1),
    format: z.enum(['csv', 'hl7-batch', 'xml']),
    /** Polling is the safe default on SMB/NFS shares, which do not send change events reliably. */
    pollIntervalMs: z.number().int().min(50).default(2000),
    /** Also react to file-system events (local disks); polling still runs, as events can be missed. */
    events: z.boolean().default(false),
    /** stable: size and mtime unchanged for stableMs; marker: a companion `<name>.done` file. */
    completion: z.enum(['stable', 'marker']).default('stable'),
    stableMs: z.number().int().min(0).default(5000),
    /** Names ignored (shell-style `*`): temp and hidden files by default. */
    ignore: z.array(z.string()).default(['.*', '*.tmp', '*.part', '*.partial', '~*', '*.done']),
    maxFileBytes: z
      .number()
      .int()
      .min(1)
      .default(512 * 1024 * 1024),
    // Rows committed per transaction. 250 stores as fast as 1,000 (the next batch parses while one
    // commits) and holds less: bench/file-drop measured ~139 MB peak RSS against ~150–169 MB.
    batchRows: z.number().int().min(1).max(10_000).default(250),
    csv: CsvOptionsSchema.default({
      delimiter: ',',
      quote: '"',
      encoding: 'utf8',
      expectedColumns: [],
    }),
    /** CSV columns (first non-empty wins) that order rows, e.g. [ubrn, nhs_number]. */
    orderingKey: z.array(z.string()).default([]),
    /** XML: one message per this child element of the root; absent = one message per file. */
    xmlSplitElement: z.string().optional(),
  })
  .strict();
export type FileDropConfig = z.infer<typeof FileDropSchema>;

/** Pure: does a file name match one of the ignore patterns? */
export function isIgnored(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(name),
  );
}

/** Pure: the name a finished file gets in processed/ (timestamped, so re-drops never clash). */
export function processedName(name: string, at: Date): string {
  return `${at.toISOString().replace(/[:.]/g, '-')}_${name}`;
}
