// formats/csv: streaming CSV rows (csv-parse) at constant memory, with header checks and per-row errors.
import { CsvError, parse, type Parser } from 'csv-parse';
import iconv from 'iconv-lite';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import { EngineError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-codes.js';

export const CsvOptionsSchema = z
  .object({
    delimiter: z.string().min(1).max(4).default(','),
    quote: z.string().max(1).default('"'),
    /** utf8 (a BOM is removed) or windows-1252 (older PAS extracts). */
    encoding: z.enum(['utf8', 'windows-1252', 'latin1']).default('utf8'),
    /** Columns the file must have (others are allowed); the header row names them. */
    expectedColumns: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type CsvOptions = z.infer<typeof CsvOptionsSchema>;

/** The stored form of one CSV row (mapping files read `columns` by name). */
export interface CsvRow {
  readonly row: number;
  readonly columns: Record<string, string>;
}

export interface CsvProblem {
  readonly row: number | null;
  readonly column: string;
  readonly value: string;
  readonly reason: string;
  /** The catalogue code, written before the reason in the report. */
  readonly code?: ErrorCode | undefined;
}

/** Pure: the columns the header lacks, as problems for the error report. */
export function headerProblems(
  header: readonly string[],
  expected: readonly string[],
): CsvProblem[] {
  return expected
    .filter((c) => !header.includes(c))
    .map((c) => ({
      row: null,
      column: c,
      value: '',
      reason: 'expected column is missing from the header',
      code: 'FORMAT_CSV_HEADER',
    }));
}

/** csv-parse over the decoded input, with the options every reader of a drop uses. */
function csvParser(input: Readable, options: CsvOptions): Parser {
  const parser = parse({
    bom: true,
    delimiter: options.delimiter,
    quote: options.quote === '' ? false : options.quote,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  // pipe() does not pass errors on: a file that fails mid-read must fail the parse, not stall it.
  input.once('error', (e) => parser.destroy(e));
  if (options.encoding === 'utf8') return input.pipe(parser);
  const decoder = iconv.decodeStream(options.encoding);
  decoder.once('error', (e: Error) => parser.destroy(e));
  return input.pipe(decoder).pipe(parser);
}

/**
 * Streams data rows to `onRows` in batches (awaited, so a slow store slows the read: constant
 * memory). A bad row becomes a problem and the rest go on; a bad header stops the file.
 */
export async function streamCsvRows(
  input: Readable,
  options: CsvOptions & { batchSize: number },
  onRows: (rows: CsvRow[]) => Promise<void>,
): Promise<{ rows: number; problems: CsvProblem[]; header: string[] }> {
  const problems: CsvProblem[] = [];
  let header: string[] = [];
  const parser = csvParser(input, options);
  let batch: CsvRow[] = [];
  let rows = 0;
  // Records are counted here rather than with csv-parse's `info` option, which builds an object
  // per record (measured: ~5% of a file drop's parse thread).
  let records = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      records++;
      if (records === 1) {
        header = record.map((h) => h.trim());
        const missing = headerProblems(header, options.expectedColumns);
        if (missing.length > 0) return { rows: 0, problems: missing, header };
        continue;
      }
      const row = records - 1;
      if (record.length !== header.length) {
        problems.push({
          row,
          column: '',
          value: record.join(options.delimiter).slice(0, 200),
          reason: `has ${record.length} fields, the header has ${header.length}`,
          code: 'FORMAT_CSV_ROW',
        });
        continue;
      }
      const columns: Record<string, string> = {};
      header.forEach((h, i) => {
        columns[h] = record[i] ?? '';
      });
      batch.push({ row, columns });
      rows++;
      if (batch.length >= options.batchSize) {
        await onRows(batch);
        batch = [];
      }
    }
  } catch (error) {
    // Errors of onRows (the store) are not the file's: only the parser's become FORMAT_CSV_ROW.
    throw error instanceof CsvError ? csvReadError(error) : error;
  }
  if (batch.length > 0) await onRows(batch);
  return { rows, problems, header };
}

/** The quote errors a CSV parser stops at, in our words (csv-parse's quote the field's value). */
const QUOTE_ERRORS: Readonly<Record<string, string>> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field goes on after its closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quote is opened and never closed',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field',
};

/**
 * Pure: csv-parse's error as FORMAT_CSV_ROW. Its `records` counts the records read before the
 * bad one, header included, which is the bad one's data-row number. Nothing of the row's content
 * is in the message, so it can be logged.
 */
export function csvReadError(e: CsvError): EngineError {
  const row = typeof e.records === 'number' ? Math.max(e.records, 1) : 1;
  const line = typeof e.lines === 'number' ? e.lines : undefined;
  const what = QUOTE_ERRORS[e.code] ?? `the CSV parser stopped (${e.code})`;
  return new EngineError(
    'FORMAT_CSV_ROW',
    `row ${row}${line === undefined ? '' : ` (line ${line})`}: ${what}; rows after it cannot be read reliably`,
    { at: `row ${row}`, context: { row, ...(line === undefined ? {} : { line }) }, cause: e },
  );
}

/**
 * Reads the whole file without keeping a row: the first FORMAT_CSV_ROW error, or null. Run before
 * storing anything, so a file with a broken quote stores no row and a corrected one, dropped
 * again, stores each row once.
 */
export async function firstCsvReadError(
  input: Readable,
  options: CsvOptions,
): Promise<EngineError | null> {
  try {
    // Records are read and dropped (flowing mode): only the parser's verdict matters here.
    await finished(csvParser(input, options).resume());
    return null;
  } catch (error) {
    if (error instanceof CsvError) return csvReadError(error);
    throw error;
  }
}

/** Pure: the `<file>.errors.csv` text (row, column, value, reason), quoted as RFC 4180. */
export function errorReportCsv(problems: readonly CsvProblem[]): string {
  const q = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [
      'row,column,value,reason',
      ...problems.map((p) =>
        [
          p.row === null ? 'header' : String(p.row),
          p.column,
          p.value,
          p.code === undefined ? p.reason : `${p.code}: ${p.reason}`,
        ]
          .map(q)
          .join(','),
      ),
    ].join('\r\n') + '\r\n'
  );
}
