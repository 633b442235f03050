/**
 * A file's report is final once every record it stored has been through mapping: until then the
 * file stays in processing/. Everything here is read back from the store, so the report comes out
 * the same after a crash as without one.
 */
import type { CsvProblem } from '../../formats/csv/index.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../core/error-codes.js';
import type { MessageStore, StoredMessage } from '../../core/store-types.js';

/** Lines of one report: past this the report ends with a line counting the rest. */
export const REPORT_LIMIT = 5_000;

export interface FileRecords {
  readonly channel: string;
  readonly sender: string;
  readonly sha256: string;
}

const scope = (f: FileRecords) => ({
  channel: f.channel,
  sender: f.sender,
  controlIdPrefix: `${f.sha256}:`,
});

/** True while a record of the file waits for its mapping (RECEIVED: not yet transformed). */
export async function mappingPending(store: MessageStore, file: FileRecords): Promise<boolean> {
  const waiting = await store.list({ ...scope(file), status: 'RECEIVED', limit: 1 });
  return waiting.length > 0;
}

const isErrorCode = (code: string): code is ErrorCode => code in ERROR_CATALOGUE;

/**
 * Pure: the report line of a record that failed before any destination, or null for one that
 * failed later (a destination's failure is the message's, not the file's).
 */
export function mappingProblem(message: StoredMessage): CsvProblem | null {
  const error = message.error;
  if (error === null) return null;
  const stage = isErrorCode(error.code) ? ERROR_CATALOGUE[error.code].stage : undefined;
  const beforeDestinations =
    stage === 'mapping' || stage === 'format' || message.mappedInput === null;
  if (!beforeDestinations) return null;
  const record = Number(message.controlId?.split(':')[1] ?? Number.NaN);
  const column = error.at ?? '';
  return {
    row: Number.isInteger(record) ? record : null,
    column,
    value: csvValue(message.raw, column),
    reason: error.message,
    code: isErrorCode(error.code) ? error.code : undefined,
  };
}

/** The named column's value of a stored CSV row (the report sits beside the file it came from). */
function csvValue(raw: Buffer | null, column: string): string {
  if (raw === null || column === '') return '';
  try {
    const parsed = JSON.parse(raw.toString()) as { columns?: Record<string, unknown> };
    const v = parsed.columns?.[column];
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

/** The file's records that failed mapping, in record order, at most REPORT_LIMIT. */
export async function mappingProblems(
  store: MessageStore,
  file: FileRecords,
): Promise<{ problems: CsvProblem[]; more: number }> {
  const problems: CsvProblem[] = [];
  let more = 0;
  let beforeId: number | undefined;
  for (;;) {
    const page = await store.list({
      ...scope(file),
      status: ['ERROR', 'DEAD'],
      limit: 1000,
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    for (const summary of page) {
      if (problems.length >= REPORT_LIMIT) {
        more++;
        continue;
      }
      const message = await store.get(summary.id);
      const problem = message ? mappingProblem(message) : null;
      if (problem) problems.push(problem);
    }
    if (page.length < 1000) break;
    beforeId = page.at(-1)?.id;
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { problems, more };
}
