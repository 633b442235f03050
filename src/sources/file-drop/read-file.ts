import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  firstCsvReadError,
  streamCsvRows,
  type CsvProblem,
  type CsvRow,
} from '../../formats/csv/index.js';
import { splitHl7Batch } from '../../formats/hl7v2/index.js';
import { splitXml } from '../../formats/xml/index.js';
import { isEngineError } from '../../core/errors.js';
import type { SourceContext } from '../../core/plugins.js';
import type { NewMessage } from '../../core/store-types.js';
import { firstElementText, hl7FieldReader, keySpecOf, keysFrom } from './record-keys.js';
import type { FileDropConfig } from './schema.js';
import { ContentType } from '../../core/content-types.js';

export interface FileOutcome {
  readonly stored: number;
  readonly alreadyStored: number;
  /** What could not be stored: bad rows, a bad header, or the reason the file stopped. */
  readonly problems: readonly CsvProblem[];
}

/** A store write failed: the file is not at fault and stays in processing/ for a retry. */
export class StoreWriteFailed extends Error {
  constructor(cause: unknown) {
    super(`the store refused the file's records: ${(cause as Error).message}`, { cause });
    this.name = 'StoreWriteFailed';
  }
}

/** One pass over the file: its sha256, and whether a quote byte occurs (CSV checks then). */
export async function scanFile(
  path: string,
  quote: string,
): Promise<{ sha256: string; hasQuote: boolean }> {
  const hash = createHash('sha256');
  // A multi-byte quote cannot be found byte by byte: assume it may occur.
  const byte = quote.length === 1 && quote.charCodeAt(0) < 0x80 ? quote.charCodeAt(0) : -1;
  let hasQuote = quote !== '' && byte < 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    if (!hasQuote && byte >= 0) hasQuote = (chunk as Buffer).includes(byte);
  }
  return { sha256: hash.digest('hex'), hasQuote };
}

type Message = Omit<NewMessage, 'channel'>;

/** The problem line of an error that stopped the file, code first. */
export function fileProblem(error: unknown, storedSoFar: number): CsvProblem {
  const e = isEngineError(error) ? error : undefined;
  const reason = e
    ? e.message
    : `the file could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  return {
    row: typeof e?.context['row'] === 'number' ? e.context['row'] : null,
    column: e?.at?.startsWith('row ') === false ? e.at : '',
    value: '',
    reason:
      storedSoFar > 0
        ? `${reason}; ${storedSoFar} records before it were stored`
        : `${reason}; nothing was stored`,
    code: e?.code,
  };
}

/**
 * Stores every record of a claimed file. Control ids are `<sha256>:<record>`, so a file resumed
 * after a crash stores only what was missing (the store answers the rest as duplicates). A file
 * that cannot be read (or parsed) to its end comes back with a problem saying so; a store
 * failure throws StoreWriteFailed.
 */
export async function storeFileRecords(
  path: string,
  name: string,
  scanned: { sha256: string; hasQuote: boolean },
  config: FileDropConfig,
  ctx: SourceContext,
  progress: (done: number) => Promise<void>,
): Promise<FileOutcome> {
  const hash = scanned.sha256;
  let stored = 0;
  let alreadyStored = 0;
  const sender = fileSender(config);
  const keySpec = keySpecOf(config);
  // One batch commits while the next is parsed: the store's writer thread and the parser overlap.
  // Batches are committed and counted in order; a failed one fails the file (resume is by dedup).
  let committing: Promise<void> = Promise.resolve();
  const keep = async (messages: Message[]): Promise<void> => {
    const commit = ctx.receiveMany(messages).then(
      async (results) => {
        for (const r of results) {
          if (r.duplicateOf) alreadyStored++;
          else stored++;
        }
        await progress(stored + alreadyStored);
      },
      (error: unknown) => {
        throw new StoreWriteFailed(error);
      },
    );
    // Awaited below or on the next call; this only stops Node calling it unhandled meanwhile.
    commit.catch(() => undefined);
    await committing;
    committing = commit;
  };
  const base = (record: number, keys: ReturnType<typeof keysFrom>) => ({
    sender,
    // The file's hash is the content half of each record's dedup key: the record id names it too.
    contentHash: hash,
    controlId: `${hash}:${record}`,
    orderingKey: keys.orderingKey,
    searchKeys: keys.searchKeys,
  });
  const problems: CsvProblem[] = [];
  try {
    switch (config.format) {
      case 'csv': {
        // A broken quote can shift every later row: such a file stores nothing (checked first, and
        // only when a quote occurs at all), so a corrected file dropped again stores each row once.
        if (scanned.hasQuote) {
          const broken = await firstCsvReadError(createReadStream(path), config.csv);
          if (broken) return { stored: 0, alreadyStored: 0, problems: [fileProblem(broken, 0)] };
        }
        const csvMessage = (r: CsvRow): Message => ({
          ...base(
            r.row,
            keysFrom(keySpec, (c) => r.columns[c]),
          ),
          contentType: ContentType.csvRow,
          messageType: 'csv-row',
          raw: Buffer.from(JSON.stringify(r)),
          sourceMeta: { file: name, sha256: hash, row: r.row },
        });
        const read = await streamCsvRows(
          createReadStream(path),
          { ...config.csv, batchSize: config.batchRows },
          (rows) => keep(rows.map(csvMessage)),
        );
        problems.push(...read.problems);
        break;
      }
      case 'hl7-batch': {
        const split = splitHl7Batch(await readFile(path));
        problems.push(
          ...split.issues.map((reason) => ({
            row: null,
            column: '',
            value: '',
            reason,
            code: 'FORMAT_SEGMENT_SEQUENCE' as const,
          })),
        );
        const reader = hl7FieldReader([
          ...keySpec.ordering,
          ...Object.values(keySpec.search).map((k) => k.from),
        ]);
        await keep(
          split.messages.map((m) => {
            const raw = Buffer.isBuffer(m.raw) ? m.raw : Buffer.from(m.raw, 'latin1');
            const facts = reader(raw);
            return {
              ...base(m.index, keysFrom(keySpec, facts.read)),
              contentType: ContentType.hl7v2,
              messageType: facts.messageType,
              raw,
              sourceMeta: { file: name, sha256: hash, message: m.index, line: m.line },
            };
          }),
        );
        break;
      }
      case 'xml': {
        const parts = await splitXml(await readFile(path, 'utf8'), config.xmlSplitElement);
        await keep(
          parts.map((d, i) => ({
            ...base(
              i + 1,
              keysFrom(keySpec, (element) => firstElementText(d.node, element)),
            ),
            contentType: ContentType.xml,
            raw: Buffer.from(d.text),
            sourceMeta: { file: name, sha256: hash, message: i + 1 },
          })),
        );
        break;
      }
      default:
        return config.format satisfies never;
    }
    await committing;
  } catch (error) {
    if (error instanceof StoreWriteFailed) throw error;
    // What was committed stays committed (and is processed): the report says how far it got.
    await committing;
    problems.push(fileProblem(error, stored + alreadyStored));
  }
  return { stored, alreadyStored, problems };
}

/** The sender of a drop's records: with the control id, their dedup key. */
export const fileSender = (config: Pick<FileDropConfig, 'folder'>): string =>
  `file:${config.folder}`;
