import { writeFileAtomically } from '../../core/atomic-write.js';
import { EngineError, isEngineError } from '../../core/errors.js';
import type { MappingVersion } from '../../core/store-types.js';
import { loadChannels } from '../../config/load-channels.js';
import { compileMappingText } from '../../mapping/compile.js';
import { formatIssue } from '../../mapping/positions.js';
import { replayPlans } from '../../mapping/replay-plan.js';
import { replayStored, type ReplayItem, type ReplaySummary } from '../../mapping/replay.js';
import {
  deployedMapping,
  findVersion,
  mappingVersionOf,
  rollbackFiles,
  versionDiff,
} from '../../mapping/versions.js';
import { join } from 'node:path';
import { MessageStatus } from '../../core/store-types.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';

/** Mapping history and replay for the admin API and dashboard (the CLI has the same commands). */

export interface VersionRow {
  readonly hash: string;
  readonly file: string;
  readonly firstSeenAt: number;
  readonly deployed: boolean;
}

/** Versions newest first (without their text), the deployed one marked. */
export async function listVersions(ctx: AdminContext, mappingId: string): Promise<VersionRow[]> {
  const versions = await ctx.control.store.mappingVersions(mappingId);
  const deployed = safeDeployed(ctx, mappingId);
  return versions.map((v) => ({
    hash: v.hash,
    file: v.file,
    firstSeenAt: v.firstSeenAt,
    deployed: v.hash === deployed?.hash,
  }));
}

function safeDeployed(ctx: AdminContext, mappingId: string): ReturnType<typeof deployedMapping> {
  try {
    return deployedMapping(ctx.configDir(), mappingId);
  } catch (error) {
    // A deployed file that no longer compiles has no hash to mark; the list still shows.
    if (isEngineError(error)) return undefined;
    throw error;
  }
}

function badRequest(error: unknown): never {
  if (error instanceof Error && !isEngineError(error))
    throw new EngineError('ADMIN_BAD_REQUEST', error.message);
  throw error;
}

async function versionOrDeployed(
  ctx: AdminContext,
  mappingId: string,
  prefix: string | undefined,
): Promise<MappingVersion> {
  if (prefix !== undefined && prefix !== '') {
    try {
      return findVersion(await ctx.control.store.mappingVersions(mappingId), prefix);
    } catch (error) {
      badRequest(error);
    }
  }
  const deployed = deployedMapping(ctx.configDir(), mappingId);
  if (deployed === undefined)
    throw new EngineError('ADMIN_BAD_REQUEST', `no file in mappings/ has id ${mappingId}`);
  return mappingVersionOf(deployed, ctx.configDir(), ctx.clock());
}

export async function readVersion(
  ctx: AdminContext,
  mappingId: string,
  prefix: string,
): Promise<MappingVersion> {
  return versionOrDeployed(ctx, mappingId, prefix);
}

/** A unified diff from one version to another (or to the deployed file). */
export async function diffVersions(
  ctx: AdminContext,
  mappingId: string,
  from: string,
  to: string | undefined,
): Promise<string> {
  return versionDiff(
    await versionOrDeployed(ctx, mappingId, from),
    await versionOrDeployed(ctx, mappingId, to),
  );
}

/** Writes a kept version over the deployed file and its tables (audited by the caller). */
export async function rollbackMapping(
  ctx: AdminContext,
  mappingId: string,
  prefix: string,
): Promise<{ from: string; to: string; files: string[] }> {
  const target = await versionOrDeployed(ctx, mappingId, prefix);
  const deployed = deployedMapping(ctx.configDir(), mappingId);
  if (deployed === undefined)
    throw new EngineError('ADMIN_BAD_REQUEST', `no file in mappings/ has id ${mappingId}`);
  const files = deployed.hash === target.hash ? [] : rollbackFiles(target, deployed.file);
  for (const f of files) await writeFileAtomically(f.path, f.text);
  return { from: deployed.hash, to: target.hash, files: files.map((f) => f.path) };
}

export interface ReplayRequest {
  readonly candidate: string;
  readonly channel?: string;
  readonly type?: string;
  readonly status?: readonly string[];
  readonly since?: number;
  readonly until?: number;
  readonly limit: number;
}

/** At most this many messages per dashboard replay; the CLI has no cap (it streams). */
export const API_REPLAY_LIMIT = 5000;
/** Items returned: the ones that differ, first found first. */
const ITEMS_KEPT = 200;

export async function replayCandidate(
  ctx: AdminContext,
  request: ReplayRequest,
): Promise<{ summary: ReplaySummary; items: ReplayItem[]; mappingId: string }> {
  const configDir = ctx.configDir();
  const compiled = compileMappingText(request.candidate, {
    file: 'candidate.yaml',
    tablesDir: join(configDir, 'mappings', 'tables'),
  });
  if (!compiled.ok)
    throw new EngineError('MAP_COMPILE_ERROR', compiled.issues.map(formatIssue).join('\n'));
  const statuses = request.status?.filter((s): s is MessageStatus => s in MessageStatus);
  const plans = replayPlans({
    channels: loadChannels(configDir).channels,
    configDir,
    candidate: compiled.mapping,
    ...(request.channel ? { channel: request.channel } : {}),
  });
  const items: ReplayItem[] = [];
  const summary = await replayStored({
    store: ctx.control.store,
    plans,
    limit: Math.min(request.limit, API_REPLAY_LIMIT),
    filter: {
      ...(request.type ? { messageType: request.type } : {}),
      ...(statuses && statuses.length > 0 ? { status: statuses } : {}),
      ...(request.since === undefined ? {} : { receivedFrom: request.since }),
      ...(request.until === undefined ? {} : { receivedTo: request.until }),
    },
    onItem: (item) => {
      if (item.outcome !== 'same' && item.outcome !== 'not-applicable' && items.length < ITEMS_KEPT)
        items.push(item);
    },
  });
  return { summary, items, mappingId: compiled.mapping.id };
}

const textOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

function timeOf(name: string, v: unknown): number | undefined {
  const t = textOf(v);
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms))
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      `${name} is not a date (2026-12-05 or an ISO date-time).`,
      { at: name },
    );
  return ms;
}

/** A replay request from a JSON body or a dashboard form, or ADMIN_BAD_REQUEST naming the field. */
export function replayRequestFrom(body: unknown): ReplayRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const candidate = typeof b.candidate === 'string' ? b.candidate : '';
  if (candidate.trim() === '')
    throw new EngineError('ADMIN_BAD_REQUEST', 'candidate (the mapping text) is required.', {
      at: 'candidate',
    });
  const limit = Number(b.limit ?? 1000);
  const since = timeOf('since', b.since);
  const until = timeOf('until', b.until);
  const channel = textOf(b.channel);
  const type = textOf(b.type);
  const status = textOf(b.status)
    ?.split(',')
    .map((s) => s.trim().toUpperCase());
  return {
    candidate,
    limit: Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, API_REPLAY_LIMIT) : 1000,
    ...(channel ? { channel } : {}),
    ...(type ? { type } : {}),
    ...(status ? { status } : {}),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

/** The version named in a rollback request body, or ADMIN_BAD_REQUEST. */
export function rollbackVersionFrom(body: unknown): string {
  const version = textOf((body as Record<string, unknown> | undefined)?.version);
  if (version === undefined)
    throw new EngineError('ADMIN_BAD_REQUEST', 'version (a hash) is required.', { at: 'version' });
  return version;
}

/** A mapping id from a route parameter, or ADMIN_BAD_REQUEST. */
export function mappingIdFrom(param: unknown): string {
  const id = String(param);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id))
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      'A mapping id is lower-case letters, digits and dashes.',
      { at: 'id' },
    );
  return id;
}

/** A rollback asked for by a person (API or dashboard): written, then audited with both hashes. */
export async function rollbackAudited(
  ctx: AdminContext,
  principal: Principal,
  mappingId: string,
  body: unknown,
): Promise<{ from: string; to: string; files: string[] }> {
  const result = await rollbackMapping(ctx, mappingId, rollbackVersionFrom(body));
  await audit(ctx, {
    actor: actorOf(principal),
    action: 'mapping.rollback',
    target: mappingId,
    detail: result,
  });
  return result;
}
