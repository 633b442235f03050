import { isEngineError } from '../core/errors.js';
import type { MessageFilter, MessageStore, StoredMessage } from '../core/store-types.js';
import type { CompiledMapping } from './compile.js';
import { evaluateParsed, type MappingRun } from './evaluate.js';
import { CONTENT_TYPES, parseInput, type InputKind, type ParsedInput } from './inputs.js';
import { diffJson, type JsonChange } from './json-diff.js';

/**
 * Mapping replay: stored messages run through the deployed mappings and through a candidate set
 * (one file swapped for a version not yet deployed), comparing the e-RS requests each would
 * build. Nothing is sent: requests are built with the same stand-in e-RS answers on both sides,
 * so only the mapping's own differences show.
 */
export const REPLAY_OUTCOMES = [
  'same',
  'changed',
  'now-failing',
  'now-passing',
  'still-failing',
  'not-applicable',
  'no-body',
] as const;
export type ReplayOutcome = (typeof REPLAY_OUTCOMES)[number];

/** What a set of mappings makes of one message. */
export type ReplaySide =
  | {
      readonly kind: 'request';
      readonly mappingId: string;
      readonly operation: string;
      readonly request: { method: string; path: string; body: unknown };
    }
  | { readonly kind: 'no-mapping' }
  | {
      readonly kind: 'error';
      readonly code: string;
      readonly message: string;
      readonly at?: string;
    };

export interface ReplayPlan {
  readonly deployed: readonly CompiledMapping[];
  readonly candidate: readonly CompiledMapping[];
}

export interface ReplayItem {
  readonly messageId: number;
  readonly channel: string;
  readonly messageType: string | null;
  readonly receivedAt: number;
  readonly outcome: ReplayOutcome;
  readonly before?: ReplaySide;
  readonly after?: ReplaySide;
  /** For `changed`: request differences by JSON path (operation, method, path and body). */
  readonly changes?: readonly JsonChange[];
}

export type ReplaySummary = Record<ReplayOutcome, number> & { readonly total: number };

export function emptySummary(): Record<ReplayOutcome, number> & { total: number } {
  return {
    total: 0,
    ...(Object.fromEntries(REPLAY_OUTCOMES.map((o) => [o, 0])) as Record<ReplayOutcome, number>),
  };
}

/** As the mapping transformer does: the first mapping of the input's kind whose `when` holds. */
export async function mapWithFirstApplicable(
  mappings: readonly CompiledMapping[],
  parse: (kind: InputKind) => Promise<ParsedInput>,
  contentType: string,
): Promise<ReplaySide> {
  try {
    for (const m of mappings) {
      if (CONTENT_TYPES[m.kind] !== contentType) continue;
      const run: MappingRun = await evaluateParsed(m, await parse(m.kind));
      if (run.kind === 'filtered') continue;
      const { method, path, body } = run.request;
      return {
        kind: 'request',
        mappingId: run.mappingId,
        operation: run.operation,
        request: { method, path, body: body ?? null },
      };
    }
    return { kind: 'no-mapping' };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return {
      kind: 'error',
      code: error.code,
      message: error.message,
      ...(error.at === undefined ? {} : { at: error.at }),
    };
  }
}

/** Pure: how the candidate's answer compares with the deployed one. */
export function compareSides(
  before: ReplaySide,
  after: ReplaySide,
): { outcome: ReplayOutcome; changes?: JsonChange[] } {
  const ok = (s: ReplaySide): boolean => s.kind === 'request';
  if (before.kind === 'no-mapping' && after.kind === 'no-mapping')
    return { outcome: 'not-applicable' };
  if (before.kind === 'request' && after.kind === 'request') {
    const shape = (s: typeof before): unknown => ({ operation: s.operation, ...s.request });
    const changes = diffJson(shape(before), shape(after));
    return changes.length === 0 ? { outcome: 'same' } : { outcome: 'changed', changes };
  }
  if (ok(before)) return { outcome: 'now-failing' };
  if (ok(after)) return { outcome: 'now-passing' };
  return { outcome: 'still-failing' };
}

/** One stored message through both sets; its body is parsed once per input kind. */
export async function replayMessage(
  message: Pick<
    StoredMessage,
    'id' | 'channel' | 'messageType' | 'receivedAt' | 'raw' | 'contentType'
  >,
  plan: ReplayPlan,
): Promise<ReplayItem> {
  const head = {
    messageId: message.id,
    channel: message.channel,
    messageType: message.messageType,
    receivedAt: message.receivedAt,
  };
  const raw = message.raw;
  if (raw === null) return { ...head, outcome: 'no-body' };
  const parsed = new Map<InputKind, Promise<ParsedInput>>();
  const parse = (kind: InputKind): Promise<ParsedInput> => {
    let input = parsed.get(kind);
    if (input === undefined) parsed.set(kind, (input = parseInput(kind, raw, message.contentType)));
    return input;
  };
  const before = await mapWithFirstApplicable(plan.deployed, parse, message.contentType);
  const after = await mapWithFirstApplicable(plan.candidate, parse, message.contentType);
  const { outcome, changes } = compareSides(before, after);
  return { ...head, outcome, before, after, ...(changes ? { changes } : {}) };
}

export interface ReplayRun {
  readonly store: MessageStore;
  /** Which stored messages (channel is taken from the plans when not given). */
  readonly filter: Omit<MessageFilter, 'beforeId' | 'limit' | 'channel'>;
  /** The plan of each channel to replay, by channel id. */
  readonly plans: ReadonlyMap<string, ReplayPlan>;
  /** At most this many messages (newest first); all that match when absent. */
  readonly limit?: number;
  readonly pageSize?: number;
  /** Each message's result as soon as it is known (the caller keeps what it needs). */
  readonly onItem: (item: ReplayItem) => void | Promise<void>;
}

/**
 * Pages through the matching messages newest first, one page in memory at a time, and returns
 * the summary: memory stays bounded however many messages match.
 */
export async function replayStored(run: ReplayRun): Promise<ReplaySummary> {
  const summary = emptySummary();
  const pageSize = run.pageSize ?? 500;
  for (const [channel, plan] of run.plans) {
    let beforeId: number | undefined;
    for (;;) {
      const left =
        run.limit === undefined ? pageSize : Math.min(pageSize, run.limit - summary.total);
      if (left <= 0) return summary;
      const page = await run.store.list({
        ...run.filter,
        channel,
        limit: left,
        ...(beforeId === undefined ? {} : { beforeId }),
      });
      if (page.length === 0) break;
      for (const row of page) {
        const message = await run.store.get(row.id);
        if (message === undefined) continue;
        const item = await replayMessage(message, plan);
        summary.total++;
        summary[item.outcome]++;
        await run.onItem(item);
      }
      beforeId = page[page.length - 1]?.id;
    }
  }
  return summary;
}

/** How many messages a replay would read, for a progress bar (id pages only, no bodies). */
export async function countReplayable(
  store: MessageStore,
  filter: ReplayRun['filter'],
  channels: Iterable<string>,
  limit?: number,
): Promise<number> {
  let total = 0;
  for (const channel of channels) {
    let beforeId: number | undefined;
    for (;;) {
      const page = await store.list({
        ...filter,
        channel,
        limit: 1000,
        ...(beforeId === undefined ? {} : { beforeId }),
      });
      total += page.length;
      if (page.length < 1000 || (limit !== undefined && total >= limit)) break;
      beforeId = page[page.length - 1]?.id;
    }
  }
  return limit === undefined ? total : Math.min(total, limit);
}
