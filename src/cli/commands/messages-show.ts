import type { Command } from 'commander';
import type { AttemptRecord, MessageEvent, StoredMessage } from '../../core/store-types.js';
import { cliActor, localTime, localTimeWithZone, maskPhi, terminalWidth } from '../output.js';
import { messageId, withConfigOptions, type ConfigFlags } from '../options.js';
import { withStore } from './with-store.js';

interface ShowFlags extends ConfigFlags {
  raw?: boolean;
  json?: boolean;
}

/** `key  value` lines with the keys aligned, values cut to the width. */
function pairs(entries: readonly (readonly [string, string])[], width: number): string[] {
  const keyWidth = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => fit(`  ${k.padEnd(keyWidth)}  ${v}`, width));
}

function fit(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** A short one-line form of a stored value (destination outputs, event details), masked. */
function brief(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return maskPhi(value);
  return maskPhi(JSON.stringify(value));
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ['', title, ...lines];
}

/**
 * The human-readable view of a message: sections, UK local times, NHS numbers masked. Request
 * and response bodies are not printed (`--json` has them); the raw body only with `--raw`.
 */
export function renderMessage(
  m: StoredMessage,
  events: readonly MessageEvent[],
  attempts: readonly AttemptRecord[],
  width: number,
): string[] {
  const summary: [string, string][] = [
    ['Channel', m.channel],
    ['Type', m.messageType ?? '-'],
    ['Control ID', m.controlId ?? '-'],
    ['Sender', m.sender],
    ['Received', localTimeWithZone(m.receivedAt)],
    ['Updated', localTimeWithZone(m.updatedAt)],
    ['Attempts', String(m.attempts)],
    [
      'Body',
      m.raw === null
        ? `pruned${m.prunedAt === null ? '' : ` ${localTime(m.prunedAt)}`}`
        : `${m.raw.length} bytes (--raw prints it; audited)`,
    ],
  ];
  if (m.inFlightDestination !== null) summary.push(['In flight', m.inFlightDestination]);
  const keys = Object.entries(m.searchKeys).map(([k, v]): [string, string] => [
    k,
    k.toLowerCase().includes('hash') ? '(hashed)' : maskPhi(v),
  ]);
  const source = Object.entries(m.sourceMeta).map(([k, v]): [string, string] => [k, brief(v)]);
  const destinations = Object.entries(m.destinationResults).map(([k, v]): [string, string] => [
    k,
    brief(v),
  ]);
  const error =
    m.error === null
      ? []
      : [fit(`  ${m.error.code}: ${maskPhi(m.error.message)}`, width), `  retry: ${m.error.retry}`];
  const history = events.map((e) =>
    fit(
      `  ${localTime(e.at)}  ${(e.status ?? '').padEnd(12)}  ${e.stage.padEnd(18)}  ${e.actor}${Object.keys(e.detail).length > 0 ? `  ${brief(e.detail)}` : ''}`,
      width,
    ),
  );
  const tries = attempts.map((a) =>
    fit(
      `  ${localTime(a.at)}  #${a.attempt}  ${(a.destination ?? '-').padEnd(12)}  ${a.outcome.padEnd(12)}${a.error === null ? '' : `  ${a.error.code}: ${maskPhi(a.error.message)}`}`,
      width,
    ),
  );
  return [
    `Message ${m.id}  ${m.status}`,
    ...pairs(summary, width),
    ...section('Identifiers', keys.length > 0 ? pairs(keys, width) : []),
    ...section('Source', source.length > 0 ? pairs(source, width) : []),
    ...section('Error', error),
    ...section('Destinations', destinations.length > 0 ? pairs(destinations, width) : []),
    ...section('History (UK time)', history),
    ...section('Attempts (UK time)', tries),
  ];
}

export function registerShow(messages: Command): void {
  withConfigOptions(messages.command('show <id>'))
    .description(
      'show one message: summary, identifiers, error, history (--raw adds the body; audited)',
    )
    .option('--raw', 'print the raw message body too')
    .option('--json', 'the whole stored record as JSON, for scripts')
    .action((id: string, flags: ShowFlags) => {
      const wanted = messageId(id);
      return withStore(flags, async (store) => {
        const m = await store.get(wanted);
        if (!m) {
          process.stderr.write(`no message ${id}\n`);
          process.exitCode = 1;
          return;
        }
        const events = await store.events(m.id);
        const attempts = await store.attemptHistory(m.id);
        const { raw, ...meta } = m;
        if (flags.json === true) {
          const body = flags.raw === true && raw ? { raw: raw.toString('utf8') } : {};
          process.stdout.write(
            `${JSON.stringify({ ...meta, rawBytes: raw?.length ?? null, ...body, events, attempts }, null, 2)}\n`,
          );
        } else {
          process.stdout.write(
            `${renderMessage(m, events, attempts, terminalWidth()).join('\n')}\n`,
          );
        }
        if (flags.raw === true && raw) {
          await store.appendAudit({
            at: Date.now(),
            actor: cliActor(),
            action: 'message.view-body',
            target: String(m.id),
            detail: {},
          });
          if (flags.json !== true)
            process.stdout.write(`\nBody\n${raw.toString('utf8').replace(/\r\n?/g, '\n')}\n`);
        }
      });
    });
}
