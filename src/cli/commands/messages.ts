import type { Command } from 'commander';
import {
  MessageStatus,
  type MessageFilter,
  type MessageStore,
  type ReprocessResult,
} from '../../store/types.js';
import {
  openStoreFromFlags,
  positiveInt,
  progressLine,
  withConfigOptions,
  type ConfigFlags,
} from '../options.js';

interface ListFlags extends ConfigFlags {
  channel?: string;
  status?: string;
  type?: string;
  controlId?: string;
  ubrn?: string;
  file?: string;
  limit: string;
  json?: boolean;
}

function filterFrom(flags: ListFlags): MessageFilter {
  const statuses = flags.status?.split(',').map((s) => s.trim().toUpperCase());
  for (const s of statuses ?? []) {
    if (!(s in MessageStatus))
      throw new Error(`unknown status "${s}" (one of ${Object.keys(MessageStatus).join(', ')})`);
  }
  return {
    ...(flags.channel ? { channel: flags.channel } : {}),
    ...(statuses ? { status: statuses as MessageStatus[] } : {}),
    ...(flags.type ? { messageType: flags.type } : {}),
    ...(flags.controlId ? { controlId: flags.controlId } : {}),
    ...(flags.ubrn ? { searchKey: { name: 'ubrn', value: flags.ubrn } } : {}),
    ...(flags.file ? { file: flags.file } : {}),
    limit: positiveInt('--limit', flags.limit),
  };
}

async function withStore(
  flags: ConfigFlags,
  work: (store: MessageStore) => Promise<void>,
): Promise<void> {
  const store = await openStoreFromFlags(flags, { create: false });
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

const filterOptions = (c: Command): Command =>
  withConfigOptions(c)
    .option('--channel <id>', 'only this channel')
    .option('--status <list>', 'comma-separated statuses, e.g. ERROR,DEAD')
    .option('--type <type>', 'message type, e.g. REF^I12')
    .option('--control-id <id>', 'MSH-10 / file row id')
    .option('--ubrn <ubrn>', 'messages about this UBRN')
    .option('--file <name>', 'records of a dropped file of this name, e.g. referrals.csv')
    .option('--limit <n>', 'at most this many', '50');

export function register(program: Command): void {
  const messages = program.command('messages').description('browse and reprocess stored messages');

  filterOptions(messages.command('list'))
    .description('list messages, newest first')
    .option('--json', 'one JSON object per line')
    .action((flags: ListFlags) => {
      const filter = filterFrom(flags); // bad arguments are reported before the store is opened
      return withStore(flags, async (store) => {
        const rows = await store.list(filter);
        for (const m of rows) {
          process.stdout.write(
            flags.json === true
              ? `${JSON.stringify(m)}\n`
              : `${String(m.id).padStart(8)}  ${new Date(m.receivedAt).toISOString()}  ${m.channel.padEnd(18)} ${m.status.padEnd(12)} ${(m.messageType ?? '').padEnd(10)} ${m.controlId ?? ''} ${m.errorCode ?? ''}\n`,
          );
        }
        if (flags.json !== true) process.stdout.write(`${rows.length} message(s)\n`);
      });
    });

  withConfigOptions(messages.command('show <id>'))
    .description('show one message: metadata, events and error (add --raw for the body; audited)')
    .option('--raw', 'print the raw message body too')
    .action((id: string, flags: ConfigFlags & { raw?: boolean }) => {
      const wanted = messageId(id);
      return withStore(flags, async (store) => {
        const m = await store.get(wanted);
        if (!m) {
          process.stderr.write(`no message ${id}\n`);
          process.exitCode = 1;
          return;
        }
        const { raw, ...meta } = m;
        process.stdout.write(
          `${JSON.stringify({ ...meta, rawBytes: raw?.length ?? null }, null, 2)}\n`,
        );
        for (const e of await store.events(m.id)) {
          process.stdout.write(
            `${new Date(e.at).toISOString()}  ${(e.status ?? '').padEnd(12)} ${e.stage.padEnd(20)} ${e.actor} ${JSON.stringify(e.detail)}\n`,
          );
        }
        if (flags.raw === true && raw) {
          await store.appendAudit({
            at: Date.now(),
            actor: `cli:${process.env['USER'] ?? 'unknown'}`,
            action: 'message.view-body',
            target: String(m.id),
            detail: {},
          });
          process.stdout.write(`${raw.toString('utf8').replace(/\r/g, '\n')}\n`);
        }
      });
    });

  filterOptions(messages.command('reprocess [ids...]'))
    .description(
      'put messages back in the queue: by id, or every message matching the filters (SENT ones only with --force)',
    )
    .option('--note <text>', 'why, kept in the event and audit log')
    .option('--force', 'also reprocess SENT messages, sending their effects (e-RS calls) again')
    .action((ids: string[], flags: ListFlags & { note?: string; force?: boolean }) =>
      withStore(flags, async (store) => {
        if (ids.length === 0 && !flags.status && !flags.channel)
          throw new Error('give message ids, or --status/--channel to choose a set');
        const wanted = ids.map(messageId);
        const targets =
          wanted.length > 0 ? wanted : (await store.list(filterFrom(flags))).map((m) => m.id);
        const actor = `cli:${process.env['USER'] ?? 'unknown'}`;
        const progress = progressLine('reprocessing', targets.length);
        let done = 0;
        const skipped: string[] = [];
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
          } else skipped.push(skipLine(id, result));
          progress.tick(++done);
        }
        progress.end();
        for (const line of skipped) process.stderr.write(`${line}\n`);
        process.stdout.write(
          `${targets.length - skipped.length} message(s) queued for reprocessing${skipped.length ? `, ${skipped.length} skipped` : ''}\n`,
        );
        if (skipped.length > 0) process.exitCode = 1;
      }),
    );
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

/** A message id argument, or a one-line error. */
export function messageId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new Error(`"${text}" is not a message id (a whole number)`);
  return id;
}
