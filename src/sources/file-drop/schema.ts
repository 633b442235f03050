import { z } from 'zod';
import { CsvOptionsSchema } from '../../formats/csv/index.js';
import { compileHl7Path } from '../../formats/hl7v2/index.js';

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
    /**
     * Where the ordering key is read (first non-empty wins, hashed as MLLP's): CSV columns, HL7
     * paths (hl7-batch) or XML element names. Absent: the format's UBRN, then NHS number.
     */
    orderingKey: z.array(z.string()).optional(),
    /** Search keys, read as orderingKey; `hash: true` stores the SHA-256 hex, never the value. */
    searchKeys: z
      .record(z.string(), z.object({ from: z.string(), hash: z.boolean().default(false) }).strict())
      .optional(),
    /** XML: one message per this child element of the root; absent = one message per file. */
    xmlSplitElement: z.string().optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    // HL7 paths are compiled once here, so a typo refuses the channel instead of every message.
    if (config.format !== 'hl7-batch') return;
    const paths = [
      ...(config.orderingKey ?? []),
      ...Object.values(config.searchKeys ?? {}).map((k) => k.from),
    ];
    for (const path of paths) {
      try {
        compileHl7Path(path);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['orderingKey'], message: (e as Error).message });
      }
    }
  });
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
