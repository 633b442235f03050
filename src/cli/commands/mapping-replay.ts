import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import '../../main/plugins.js';
import { formatFailures, loadChannels } from '../../config/load-channels.js';
import { compileMappingFile } from '../../mapping/compile.js';
import { formatJsonChanges } from '../../mapping/json-diff.js';
import { replayPlans } from '../../mapping/replay-plan.js';
import {
  REPLAY_OUTCOMES,
  countReplayable,
  replayStored,
  type ReplayItem,
  type ReplaySide,
  type ReplaySummary,
} from '../../mapping/replay.js';
import { MessageStatus, type MessageFilter } from '../../core/store-types.js';
import { cliActor, localTime, maskPhi, progressBar } from '../output.js';
import { configFolder, positiveInt, withConfigOptions, type ConfigFlags } from '../options.js';
import { withStore } from './with-store.js';

interface ReplayFlags extends ConfigFlags {
  channel?: string;
  since?: string;
  until?: string;
  type?: string;
  status?: string;
  limit?: string;
  json?: boolean;
  changes?: string;
}

/** `2026-12-05` (start of that day, UTC) or any ISO date-time; a one-line error otherwise. */
export function parseWhen(name: string, text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new Error(
      `${name} must be a date like 2026-12-05 or 2026-12-05T09:00:00Z, not "${text}"`,
    );
  return ms;
}

function replayFilter(flags: ReplayFlags): Omit<MessageFilter, 'beforeId' | 'limit' | 'channel'> {
  const statuses = flags.status?.split(',').map((s) => s.trim().toUpperCase());
  for (const s of statuses ?? [])
    if (!(s in MessageStatus))
      throw new Error(`unknown status "${s}" (one of ${Object.keys(MessageStatus).join(', ')})`);
  return {
    ...(statuses ? { status: statuses as MessageStatus[] } : {}),
    ...(flags.type ? { messageType: flags.type } : {}),
    ...(flags.since ? { receivedFrom: parseWhen('--since', flags.since) } : {}),
    ...(flags.until ? { receivedTo: parseWhen('--until', flags.until) } : {}),
  };
}

function sideLine(side: ReplaySide | undefined): string {
  switch (side?.kind) {
    case undefined:
      return 'nothing';
    case 'request':
      return `${side.operation} ${side.request.method} ${side.request.path} (${side.mappingId})`;
    case 'no-mapping':
      return 'no mapping applies';
    case 'error':
      return `${side.code}${side.at ? ` at ${side.at}` : ''}: ${side.message}`;
  }
}

/** Pure: the lines a person reads for one message (NHS numbers masked; nothing for `same`). */
export function itemLines(item: ReplayItem, maxChanges: number): string[] {
  if (item.outcome === 'same' || item.outcome === 'not-applicable') return [];
  const head = `#${item.messageId} ${localTime(item.receivedAt)} ${item.channel} ${item.messageType ?? '-'}: ${item.outcome}`;
  const body: string[] = [];
  if (item.outcome === 'changed' && item.changes) {
    const shown = item.changes.slice(0, maxChanges);
    body.push(...formatJsonChanges(shown).split('\n'));
    if (item.changes.length > shown.length)
      body.push(`… ${item.changes.length - shown.length} more change(s) (--changes N or --json)`);
  } else if (item.outcome !== 'no-body') {
    body.push(`deployed:  ${sideLine(item.before)}`, `candidate: ${sideLine(item.after)}`);
  }
  return [head, ...body.map((l) => `    ${maskPhi(l)}`)];
}

/** Pure: `1,204 replayed: 1,180 same, 20 changed, 3 now failing, 1 now passing`. */
export function summaryLine(summary: ReplaySummary): string {
  const parts = REPLAY_OUTCOMES.filter((o) => summary[o] > 0).map(
    (o) => `${summary[o].toLocaleString('en-GB')} ${o.replace('-', ' ')}`,
  );
  return `${summary.total.toLocaleString('en-GB')} replayed${parts.length > 0 ? `: ${parts.join(', ')}` : ''}; nothing was sent`;
}

export function registerReplay(mapping: Command): void {
  withConfigOptions(mapping.command('replay'))
    .description(
      'run stored messages through a candidate mapping file (not yet deployed) and show how the e-RS requests would change; sends nothing',
    )
    .argument('<candidate>', 'the changed mapping file (its id names the deployed one it replaces)')
    .option('--channel <id>', 'only this channel (needed for a mapping no channel deploys yet)')
    .option('--since <date>', 'received on or after (2026-12-05 or an ISO date-time)')
    .option('--until <date>', 'received before')
    .option('--type <type>', 'message type, e.g. REF^I12')
    .option('--status <list>', 'comma-separated statuses, e.g. SENT,ERROR')
    .option('--limit <n>', 'at most this many messages, newest first (default: all that match)')
    .option('--changes <n>', 'changes shown per message', '20')
    .option('--json', 'one JSON object per message (with every change), then the summary')
    .action((candidateFile: string, flags: ReplayFlags) => {
      const filter = replayFilter(flags);
      const limit = flags.limit === undefined ? undefined : positiveInt('--limit', flags.limit);
      const maxChanges = positiveInt('--changes', flags.changes ?? '20');
      const configDir = configFolder(flags.config);
      const file = resolve(candidateFile);
      // A copy kept outside mappings/ (e.g. /tmp/x.yaml) uses the deployed tables.
      const beside = join(dirname(file), 'tables');
      const candidate = compileMappingFile(file, {
        tablesDir: existsSync(beside) ? beside : join(configDir, 'mappings', 'tables'),
      });
      const { channels, failures } = loadChannels(configDir);
      // A channel that does not load cannot be replayed; say so rather than replay fewer.
      for (const line of formatFailures(failures)) process.stderr.write(`skipped: ${line}\n`);
      const plans = replayPlans({
        channels,
        configDir,
        candidate,
        ...(flags.channel ? { channel: flags.channel } : {}),
      });
      return withStore(flags, async (store) => {
        const total = await countReplayable(store, filter, plans.keys(), limit);
        const progress = flags.json === true ? undefined : progressBar('replaying', total);
        let summary: ReplaySummary;
        try {
          summary = await replayStored({
            store,
            filter,
            plans,
            ...(limit === undefined ? {} : { limit }),
            onItem: (item) => {
              progress?.tick();
              if (flags.json === true) process.stdout.write(`${JSON.stringify(item)}\n`);
              else {
                const lines = itemLines(item, maxChanges);
                if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
              }
            },
          });
        } finally {
          progress?.end();
        }
        await store.appendAudit({
          at: Date.now(),
          actor: cliActor(),
          action: 'mapping.replay',
          target: candidate.id,
          detail: { candidateHash: candidate.hash, channels: [...plans.keys()], ...summary },
        });
        process.stdout.write(
          flags.json === true ? `${JSON.stringify({ summary })}\n` : `${summaryLine(summary)}\n`,
        );
      });
    });
}
