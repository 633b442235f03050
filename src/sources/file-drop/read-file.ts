import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { errorReportCsv, streamCsvRows, type CsvProblem } from '../../formats/csv/index.js';
import { splitHl7Batch } from '../../formats/hl7v2/index.js';
import { splitXml } from '../../formats/xml/index.js';
import { isEngineError } from '../../engine/errors.js';
import type { SourceContext } from '../../engine/plugins.js';
import type { NewMessage } from '../../store/types.js';
import type { FileDropConfig } from './schema.js';

export interface FileOutcome {
  readonly stored: number;
  readonly alreadyStored: number;
  readonly problems: readonly CsvProblem[];
  /** The error report text, when there were problems. */
  readonly report: string | null;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type Message = Omit<NewMessage, 'channel'>;

/**
 * Stores every record of a claimed file. Control ids are `<sha256>:<record>`, so a file resumed
 * after a crash stores only what was missing (the store answers the rest as duplicates).
 */
export async function storeFileRecords(
  path: string,
  name: string,
  hash: string,
  config: FileDropConfig,
  ctx: SourceContext,
  progress: (done: number) => Promise<void>,
): Promise<FileOutcome> {
  let stored = 0;
  let alreadyStored = 0;
  const sender = `file:${config.folder}`;
  // One batch commits while the next is parsed: the store's writer thread and the parser overlap.
  // Batches are committed and counted in order; a failed one fails the file (resume is by dedup).
  let committing: Promise<void> = Promise.resolve();
  const keep = async (messages: Message[]): Promise<void> => {
    const commit = ctx.receiveMany(messages).then(async (results) => {
      for (const r of results) {
        if (r.duplicateOf) alreadyStored++;
        else stored++;
      }
      await progress(stored + alreadyStored);
    });
    // Awaited below or on the next call; this only stops Node calling it unhandled meanwhile.
    commit.catch(() => undefined);
    await committing;
    committing = commit;
  };
  const allCommitted = (): Promise<void> => committing;
  // The file's hash is the content half of each row's dedup key: the row id already names it.
  const base = { sender, contentHash: hash, sourceMeta: { file: name, sha256: hash } };
  switch (config.format) {
    case 'csv': {
      const { problems } = await streamCsvRows(
        createReadStream(path),
        { ...config.csv, batchSize: config.batchRows },
        (rows) =>
          keep(
            rows.map((r) => ({
              ...base,
              controlId: `${hash}:${r.row}`,
              contentType: 'application/x-csv-row+json',
              messageType: 'csv-row',
              raw: Buffer.from(JSON.stringify(r)),
              orderingKey: config.orderingKey
                .map((c) => r.columns[c])
                .find((v) => v !== undefined && v !== ''),
              sourceMeta: { file: name, sha256: hash, row: r.row },
            })),
          ),
      );
      await allCommitted();
      return {
        stored,
        alreadyStored,
        problems,
        report: problems.length > 0 ? errorReportCsv(problems) : null,
      };
    }
    case 'hl7-batch': {
      const split = splitHl7Batch(await readFile(path));
      const problems = split.issues.map((reason) => ({ row: null, column: '', value: '', reason }));
      await keep(
        split.messages.map((m) => ({
          ...base,
          controlId: `${hash}:${m.index}`,
          contentType: 'application/hl7-v2',
          raw: Buffer.isBuffer(m.raw) ? m.raw : Buffer.from(m.raw, 'latin1'),
          sourceMeta: { file: name, sha256: hash, message: m.index, line: m.line },
        })),
      );
      await allCommitted();
      return {
        stored,
        alreadyStored,
        problems,
        report: problems.length > 0 ? errorReportCsv(problems) : null,
      };
    }
    case 'xml': {
      try {
        const docs = await splitXml(await readFile(path, 'utf8'), config.xmlSplitElement);
        await keep(
          docs.map((d, i) => ({
            ...base,
            controlId: `${hash}:${i + 1}`,
            contentType: 'application/xml',
            raw: Buffer.from(d),
          })),
        );
        await allCommitted();
        return { stored, alreadyStored, problems: [], report: null };
      } catch (error) {
        if (!isEngineError(error)) throw error;
        const problems = [
          {
            row: null,
            column: error.at ?? '',
            value: '',
            reason: `${error.code}: ${error.message}`,
          },
        ];
        return { stored, alreadyStored, problems, report: errorReportCsv(problems) };
      }
    }
    default:
      return config.format satisfies never;
  }
}
