import type { AlertRules } from '../core/alert-settings.js';
import type { ChannelDefinition } from '../config/channel-schema.js';
import type { EngineSettings } from '../core/settings.js';
import type { ChannelInfo, EngineControl } from '../engine/control.js';
import { CLAIMABLE_STATUSES, type MessageStore } from '../core/store-types.js';
import { advanceStreak, type ErsStreak } from './ers-streak.js';
import { expiryFacts } from './expiry.js';
import type { ChannelFacts, FolderFacts, Snapshot } from './facts.js';
import { dropFolderOf, folderFacts } from './folders.js';

/** The store lists at most this many rows a call: counts past it read "1000". */
const LIST_CAP = 1000;

export interface GatherInput {
  readonly control: EngineControl;
  readonly rules: AlertRules;
  readonly settings: EngineSettings;
  readonly configDir: string;
  /** Channel definitions (for certificate files); read by the caller, not every check. */
  readonly definitions: readonly ChannelDefinition[];
  readonly now: number;
  readonly ers: ErsStreak;
}

/** Reads what the rules need (store, engine, folders, certificates); only for rules that are on. */
export async function gatherSnapshot(
  input: GatherInput,
): Promise<{ snapshot: Snapshot; ers: ErsStreak }> {
  const { control, rules, now } = input;
  const store = control.store;
  const infos = control.channels();
  const counts = await store.countByStatus();
  const channels = await Promise.all(
    infos.map((info) => channelFacts(store, info, counts[info.id] ?? {}, rules, now)),
  );
  const folders: FolderFacts[] = [];
  if (rules.files !== false) {
    for (const info of infos) {
      const folder = info.source?.type === 'file' ? dropFolderOf(info.source.endpoint) : undefined;
      if (folder === undefined) continue;
      folders.push(
        await folderFacts({
          channel: info.id,
          folder,
          now,
          stuckMs: rules.files.stuckMinutes * 60_000,
          rejectedWithinMs: rules.files.rejectedWithinHours * 3_600_000,
        }),
      );
    }
  }
  let ers = input.ers;
  if (rules.ersAuth !== false) {
    const rows = await store.listErsAudit({ from: ers.cursor + 1, to: now });
    const calls = rows
      .map((r) => ({ at: r.at, id: r.id, status: r.detail['httpStatus'] }))
      .sort((a, b) => a.at - b.at || a.id - b.id)
      .map((r) => ({ at: r.at, status: typeof r.status === 'number' ? r.status : undefined }));
    ers = advanceStreak(ers, calls);
  }
  const snapshot: Snapshot = {
    now,
    channels,
    configProblems: (control.configProblems?.() ?? []).map((p) => ({
      file: p.file,
      channel: p.channel,
      errors: p.errors,
    })),
    folders,
    ersAuth: { streak: ers.streak, statuses: ers.statuses },
    expiries:
      rules.expiry === false
        ? []
        : expiryFacts({
            channels: input.definitions,
            settings: input.settings,
            extraFiles: rules.expiry.files,
            configDir: input.configDir,
          }),
  };
  return { snapshot, ers };
}

async function channelFacts(
  store: MessageStore,
  info: ChannelInfo,
  counts: ChannelFacts['counts'],
  rules: AlertRules,
  now: number,
): Promise<ChannelFacts> {
  const channel = info.id;
  const recentErrors =
    rules.errors === false || (counts.ERROR ?? 0) + (counts.DEAD ?? 0) === 0
      ? 0
      : (
          await store.list({
            channel,
            status: ['ERROR', 'DEAD'],
            receivedFrom: now - rules.errors.windowMinutes * 60_000,
            limit: LIST_CAP,
          })
        ).length;
  const waiting = CLAIMABLE_STATUSES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const waitingTooLong =
    rules.queueAge === false || waiting === 0
      ? 0
      : (
          await store.list({
            channel,
            status: CLAIMABLE_STATUSES,
            receivedTo: now - rules.queueAge.minutes * 60_000,
            limit: LIST_CAP,
          })
        ).length;
  const lastReceivedAt =
    rules.silence === false
      ? null
      : ((await store.list({ channel, limit: 1 }))[0]?.receivedAt ?? null);
  return {
    id: channel,
    sourceType: info.source?.type ?? null,
    state: info.state,
    lastError: info.lastError,
    counts,
    recentErrors,
    waitingTooLong,
    lastReceivedAt,
  };
}
