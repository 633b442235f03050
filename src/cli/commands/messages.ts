import type { Command } from 'commander';
import {
  type MessageFilter,
  type MessageStore,
  type MessageSummary,
  type ReprocessResult,
} from '../../core/store-types.js';
import {
  cliActor,
  localTime,
  progressBar,
  renderTable,
  terminalWidth,
  type Column,
} from '../output.js';
import { messageId } from '../options.js';
import { registerFilters } from './messages-filters.js';
import {
  auditText,
  checkFlags,
  filterOf,
  searchOptions,
  type SearchFlags,
} from './messages-search.js';
import { registerShow } from './messages-show.js';
import { withStore } from './with-store.js';

type ListFlags = SearchFlags & { json?: boolean };

const LIST_COLUMNS: readonly Column[] = [
  { header: 'ID', align: 'right' },
  { header: 'RECEIVED (UK)' },
  { header: 'CHANNEL', shrink: 1 },
  { header: 'STATUS' },
  { header: 'TYPE', shrink: 2 },
  { header: 'CONTROL ID', shrink: 1 },
  { header: 'ERROR', shrink: 2 },
];

/** `messages list` as a table: a header row, columns sized to the data and cut to the width. */
export function listTable(rows: readonly MessageSummary[], width: number): string[] {
  return renderTable(
    LIST_COLUMNS,
    rows.map((m) => [
      String(m.id),
      localTime(m.receivedAt),
      m.channel,
      m.status,
      m.messageType ?? '',
      m.controlId ?? '',
      m.errorCode ?? '',
    ]),
    width,
  );
}

const PAGE = 500;

/** Every id matching the filter (up to its limit, if any), paging newest first by id. */
export async function matchingIds(store: MessageStore, filter: MessageFilter): Promise<number[]> {
  const ids: number[] = [];
  const cap = filter.limit ?? Number.POSITIVE_INFINITY;
  let beforeId: number | undefined;
  while (ids.length < cap) {
    const want = Math.min(PAGE, cap - ids.length);
    const page = await store.list({
      ...filter,
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: want,
    });
    for (const m of page) ids.push(m.id);
    if (page.length < want) break;
    beforeId = page.at(-1)?.id;
  }
  return ids;
}

export function register(program: Command): void {
  const messages = program.command('messages').description('browse and reprocess stored messages');

  searchOptions(messages.command('list'))
    .description('list messages, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'one JSON object per line')
    .action((flags: ListFlags) => {
      checkFlags(flags); // bad arguments are reported before the store is opened
      return withStore(flags, async (store) => {
        const { filter, query } = await filterOf(store, flags);
        const rows = await store.list(filter);
        await auditText(store, query, rows.length);
        if (flags.json === true) {
          process.stdout.write(rows.map((m) => `${JSON.stringify(m)}\n`).join(''));
          return;
        }
        const lines = rows.length > 0 ? listTable(rows, terminalWidth()) : [];
        process.stdout.write([...lines, `${rows.length} message(s)`, ''].join('\n'));
      });
    });

  registerShow(messages);

  registerFilters(messages);

  searchOptions(messages.command('reprocess [ids...]'))
    .description(
      'put messages back in the queue: by id, or every message matching the filters (SENT ones only with --force)',
    )
    .option('--limit <n>', 'at most this many (default: every message that matches)')
    .option('--note <text>', 'why, kept in the event and audit log')
    .option('--force', 'also reprocess SENT messages, sending their effects (e-RS calls) again')
    .action((ids: string[], flags: ListFlags & { note?: string; force?: boolean }) => {
      const given = checkFlags(flags);
      if (ids.length === 0 && Object.keys(given).length === 0)
        throw new Error('give message ids, or search flags (--status, --channel…) to choose a set');
      return withStore(flags, async (store) => {
        const wanted = ids.map(messageId);
        // Collected before any change: reprocessing moves messages out of the filtered set.
        const targets =
          wanted.length > 0
            ? wanted
            : await matchingIds(store, (await filterOf(store, flags)).filter);
        const actor = cliActor();
        const progress = progressBar('reprocessing', targets.length);
        const skipped: { id: number; result: Extract<ReprocessResult, { ok: false }> }[] = [];
        try {
          for (const id of targets) {
            const result = await store.reprocess(id, {
              actor,
              note: flags.note,
              force: flags.force === true,
            });
            if (result.ok) {
              await store.appendAudit({
                at: Date.now(),
                actor,
                action: 'message.reprocess',
                target: String(id),
                detail: {
                  note: flags.note ?? null,
                  ...(result.resend.length > 0 ? { resend: result.resend, forced: true } : {}),
                },
              });
            } else skipped.push({ id, result });
            progress.tick();
          }
        } finally {
          progress.end(); // also on a store error: the terminal gets its cursor back
        }
        for (const s of skipped) process.stderr.write(`${skipLine(s.id, s.result)}\n`);
        process.stdout.write(
          `${reprocessSummary(
            targets.length,
            skipped.map((s) => s.result.reason),
          )}\n`,
        );
        if (skipped.length > 0) process.exitCode = 1;
      });
    });
}

/** `397 matched: 395 reprocessed, 2 skipped (1 leased, 1 effect-succeeded)`. */
export function reprocessSummary(matched: number, skipped: readonly string[]): string {
  const byReason = new Map<string, number>();
  for (const r of skipped) byReason.set(r, (byReason.get(r) ?? 0) + 1);
  const reasons = [...byReason].map(([r, n]) => `${n} ${r}`).join(', ');
  return `${matched} matched: ${matched - skipped.length} reprocessed, ${skipped.length} skipped${reasons ? ` (${reasons})` : ''}`;
}

/** One line saying why a message was not reprocessed. */
function skipLine(id: number, result: Extract<ReprocessResult, { ok: false }>): string {
  switch (result.reason) {
    case 'not-found':
      return `skipped ${id}: no such message`;
    case 'leased':
      return `skipped ${id}: being processed now`;
    case 'in-flight':
      return `skipped ${id}: a destination call is in flight`;
    case 'effect-succeeded':
      return `skipped ${id}: SENT; --force would send again: ${(result.resend ?? []).join(', ')}`;
    default:
      return result.reason satisfies never;
  }
}
