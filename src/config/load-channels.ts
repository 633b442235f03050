import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { EngineError, type Issue } from '../core/errors.js';
import { destinations, sources, transformers } from '../core/registry.js';
import { ChannelFileSchema, type ChannelDefinition, type PluginConfig } from './channel-schema.js';
import { formatIssue, readYamlSource, type ConfigIssue, type YamlSource } from './yaml-source.js';
import { zodIssues } from './zod-issues.js';
import { channelFilters } from '../core/channel-filter.js';

export type ChannelLoad =
  | { readonly ok: true; readonly channel: ChannelDefinition }
  | { readonly ok: false; readonly file: string; readonly issues: readonly ConfigIssue[] };

export function channelFiles(configDir: string): string[] {
  const dir = join(configDir, 'channels');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
}

/** Loads one channel file, collecting every problem (frame and plugin slices) at once. */
export function loadChannelFile(file: string, env: NodeJS.ProcessEnv = process.env): ChannelLoad {
  let source: YamlSource;
  try {
    source = readYamlSource(file, env);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    const line = Number(/:(\d+):/.exec(error.message)?.[1] ?? 1);
    return {
      ok: false,
      file,
      issues: [
        {
          file: error.at ?? file,
          line,
          path: '',
          message: error.message.replace(/^[^:]+:\d+: /, ''),
          code: error.code,
        },
      ],
    };
  }
  const frame = ChannelFileSchema.safeParse(source.value);
  const issues: ConfigIssue[] = frame.success ? [] : zodIssues(frame.error, source);
  const check = (
    kind: string,
    registry: { get(t: string): { schema: z.ZodType } | undefined; types(): string[] },
    ref: { type: string; [k: string]: unknown },
    path: (string | number)[],
  ): PluginConfig => {
    const { type, ...rest } = ref;
    const plugin = registry.get(type);
    if (!plugin) {
      issues.push({
        file: source.displayPath,
        line: source.lineOf([...path, 'type']),
        path: [...path, 'type'].join('.'),
        message: `unknown ${kind} type "${type}" (installed: ${registry.types().join(', ') || 'none'})`,
      });
      return { type, config: rest };
    }
    if (kind === 'destination') delete rest['name'];
    const parsed = plugin.schema.safeParse(rest);
    if (!parsed.success) issues.push(...zodIssues(parsed.error, source, path));
    return { type, config: parsed.success ? parsed.data : rest };
  };
  if (!frame.success) {
    // Report the plugin slices' problems too, so one run shows every mistake in the file.
    const raw = (source.value ?? {}) as Record<string, unknown>;
    const slice = (v: unknown): v is { type: string } =>
      v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
    if (slice(raw['source'])) check('source', sources, raw['source'], ['source']);
    if (slice(raw['transformer']))
      check('transformer', transformers, raw['transformer'], ['transformer']);
    if (Array.isArray(raw['destinations'])) {
      raw['destinations'].forEach((d: unknown, i) => {
        if (slice(d)) check('destination', destinations, d, ['destinations', i]);
      });
    }
    return { ok: false, file, issues: [...issues].sort((a, b) => a.line - b.line) };
  }
  const c = frame.data;
  const src = check('source', sources, c.source, ['source']);
  const tr = c.transformer
    ? check('transformer', transformers, c.transformer, ['transformer'])
    : undefined;
  const dests = c.destinations.map((d, i) => ({
    name: d.name,
    line: source.lineOf(['destinations', i, 'type']),
    ...check('destination', destinations, d, ['destinations', i]),
  }));
  const filterSupport = channelFilters();
  if (c.filter && filterSupport === undefined)
    issues.push({
      file: source.displayPath,
      line: source.lineOf(['filter']),
      path: 'filter',
      message: 'filters need the mapping stage, which this program did not load',
    });
  for (const p of c.filter && filterSupport ? filterSupport.check(c.filter, c.id) : [])
    issues.push({
      file: source.displayPath,
      line: source.lineOf(['filter', p.key]),
      path: `filter.${p.key}`,
      message: `bad condition at column ${p.column}: ${p.message}`,
    });
  const names = new Set<string>();
  c.destinations.forEach((d, i) => {
    if (names.has(d.name)) {
      issues.push({
        file: source.displayPath,
        line: source.lineOf(['destinations', i, 'name']),
        path: `destinations.${i}.name`,
        message: `"${d.name}" is used twice`,
      });
    }
    names.add(d.name);
  });
  if (issues.length > 0) return { ok: false, file, issues };
  return {
    ok: true,
    channel: {
      id: c.id,
      name: c.name ?? c.id,
      description: c.description,
      file,
      hash: createHash('sha256').update(source.text).digest('hex').slice(0, 16),
      enabled: c.enabled,
      source: src,
      filter: c.filter,
      transformer: tr,
      destinations: dests,
      retry: c.retry,
      workers: c.workers,
      batch: c.batch,
      controlIdReuse: c.controlIdReuse,
    },
  };
}

export interface LoadedChannels {
  readonly channels: ChannelDefinition[];
  readonly failures: Extract<ChannelLoad, { ok: false }>[];
}

/** Loads every channel file; duplicate ids are failures of the later file. */
export function loadChannels(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedChannels {
  const channels: ChannelDefinition[] = [];
  const failures: Extract<ChannelLoad, { ok: false }>[] = [];
  for (const file of channelFiles(configDir)) {
    const result = loadChannelFile(file, env);
    if (!result.ok) {
      failures.push(result);
      continue;
    }
    const clash = channels.find((ch) => ch.id === result.channel.id);
    if (clash) {
      failures.push({
        ok: false,
        file,
        issues: [
          {
            file,
            line: 1,
            path: 'id',
            message: `channel id "${clash.id}" is already used by ${clash.file}`,
            code: 'CONFIG_DUPLICATE_CHANNEL',
          },
        ],
      });
      continue;
    }
    channels.push(result.channel);
  }
  return { channels, failures };
}

/** The failures as engine-wide issues (code, message, file and line), for the admin API. */
export const failureIssues = (failures: readonly Extract<ChannelLoad, { ok: false }>[]): Issue[] =>
  failures.flatMap((f) =>
    f.issues.map((i) => ({
      code: i.code ?? 'CONFIG_INVALID',
      message: i.path === '' ? i.message : `${i.path} ${i.message}`,
      location: { file: i.file, line: i.line },
    })),
  );

export const formatFailures = (
  failures: readonly Extract<ChannelLoad, { ok: false }>[],
): string[] => failures.flatMap((f) => f.issues.map(formatIssue));
