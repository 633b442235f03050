import { z } from 'zod';

/** How messages become files: one each (the default), or a group of messages in one file. */
export const FileModes = ['file-per-message', 'batch-file'] as const;
export type FileMode = (typeof FileModes)[number];

/**
 * The layout of a batch file. `hl7`: an HL7 v2 batch file (FHS, BHS, the messages, BTS, FTS;
 * v2.5 chapter 2.10.3), as a PAS batch import or our own file source reads it. `ndjson`: one JSON
 * object per line (`{"channel","id","controlId","content"}`).
 */
export const Envelopes = ['hl7', 'ndjson'] as const;
export type Envelope = (typeof Envelopes)[number];

/** Defaults, written once (decision 195 for the batch limits). */
export const FILE_DEFAULTS = {
  perMessageName: '{channel}-{id}.json',
  batchName: '{channel}-{time}-{seq}',
  maxMessages: 1000,
  maxBytes: 16 * 1024 * 1024,
} as const;

const BATCH_ONLY = ['envelope', 'maxMessages', 'maxBytes'] as const;

export const FileDestinationSchema = z
  .object({
    /** Relative paths are under the data folder. */
    folder: z.string().min(1),
    /**
     * One file per message: `{channel}`, `{id}`, `{controlId}`, `{date}` (yyyy-mm-dd) and any
     * output of an earlier destination (`{ubrn}`) are replaced; default `{channel}-{id}.json`.
     * Batch files: `{channel}`, `{date}`, `{time}` (UTC, yyyymmddThhmmssSSS), `{seq}` (this
     * engine's count of the destination's files), `{first}`/`{last}` (message ids), `{count}`;
     * default `{channel}-{time}-{seq}` and the envelope's extension. The result is confined to
     * the folder.
     */
    fileName: z.string().min(1).optional(),
    /** raw: the message as received; mapped: the logical inputs; results: every destination result so far. */
    content: z.enum(['raw', 'mapped', 'results']).default('raw'),
    mode: z.enum(FileModes).default('file-per-message'),
    /** Batch files only; default `hl7` for raw content, `ndjson` otherwise. */
    envelope: z.enum(Envelopes).optional(),
    /** Batch files only: messages in one file at most (default 1,000). */
    maxMessages: z.number().int().min(1).max(100_000).optional(),
    /** Batch files only: bytes of messages in one file at most (default 16 MiB); a message larger
     * than this still goes, in a file of its own. */
    maxBytes: z.number().int().min(1024).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.mode !== 'batch-file') {
      for (const key of BATCH_ONLY)
        if (c[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'only with mode: batch-file' });
      return;
    }
    if (c.envelope === 'hl7' && c.content !== 'raw')
      ctx.addIssue({
        code: 'custom',
        path: ['envelope'],
        message: 'an hl7 batch file holds raw HL7 messages: content: raw, or envelope: ndjson',
      });
  });
export type FileDestinationConfig = z.infer<typeof FileDestinationSchema>;

/** Pure: the envelope a batch file uses. */
export const envelopeOf = (c: FileDestinationConfig): Envelope =>
  c.envelope ?? (c.content === 'raw' ? 'hl7' : 'ndjson');
