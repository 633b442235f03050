import { Readable } from 'node:stream';
import { streamCsvRows, type CsvProblem } from '../formats/csv/index.js';
import type { InputKind } from './inputs.js';

/** One message to try a mapping on (`mapping run`, the dashboard's tester). */
export interface TrialMessage {
  /** The CSV data row (1 = the first row after the header), as the file drop numbers it. */
  readonly row?: number;
  readonly raw: string | Buffer;
}

/**
 * The messages a file or pasted text holds for a mapping of `kind`. For a CSV mapping that is one
 * message per data row of a CSV file (header first, as the file drop reads it), or the file drop's
 * stored form of one row (`{ "row": 2, "columns": {…} }`); other kinds are one message.
 */
export async function trialMessages(
  kind: InputKind,
  raw: string | Buffer,
): Promise<{ messages: TrialMessage[]; problems: CsvProblem[] }> {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (kind !== 'csv' || /^\s*\{/.test(text)) return { messages: [{ raw }], problems: [] };
  const messages: TrialMessage[] = [];
  const read = await streamCsvRows(
    Readable.from([Buffer.from(text, 'utf8')]),
    { delimiter: ',', quote: '"', encoding: 'utf8', expectedColumns: [], batchSize: 500 },
    (rows) => {
      for (const r of rows) messages.push({ row: r.row, raw: JSON.stringify(r) });
      return Promise.resolve();
    },
  );
  return { messages, problems: read.problems };
}
