import type { Logger } from 'pino';
import type { ChannelDefinition } from '../config/channel-schema.js';
import { EngineError } from '../core/errors.js';
import { channelFilters } from '../core/channel-filter.js';
import type { ChannelPipeline } from './process-message.js';
import type { PluginFactoryContext, Source } from '../core/plugins.js';
import { destinations, sources, transformers } from '../core/registry.js';
import type { EngineServices } from '../core/services.js';

export interface BuiltChannel {
  readonly source: Source;
  readonly pipeline: ChannelPipeline;
}

export interface BuildDeps {
  readonly configDir: string;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly services: EngineServices;
}

/**
 * Creates a channel's plugin instances. Anything that fails here (a mapping that does not
 * compile, a template with an error) fails the whole build, so a reload never half-applies.
 */
export async function buildChannel(def: ChannelDefinition, deps: BuildDeps): Promise<BuiltChannel> {
  const pipeline = await buildPipeline(def, deps);
  const source = await need(sources.get(def.source.type), def, 'source', def.source.type).create(
    def.source.config,
    factoryContext(def, deps),
  );
  return { source, pipeline };
}

function factoryContext(def: ChannelDefinition, deps: BuildDeps): PluginFactoryContext {
  return {
    channelId: def.id,
    configDir: deps.configDir,
    dataDir: deps.dataDir,
    logger: deps.logger.child({ channel: def.id }),
    services: deps.services,
  };
}

function need<T>(plugin: T | undefined, def: ChannelDefinition, kind: string, type: string): T {
  if (plugin === undefined)
    throw new EngineError('CONFIG_UNKNOWN_PLUGIN', `${def.file}: unknown ${kind} type "${type}"`);
  return plugin;
}

/** The processing side only (transformer, destinations), without the source: what a
 * processing thread runs (decision 170). */
export async function buildPipeline(
  def: ChannelDefinition,
  deps: BuildDeps,
): Promise<ChannelPipeline> {
  const ctx = factoryContext(def, deps);
  const mapper = def.transformer
    ? await need(
        transformers.get(def.transformer.type),
        def,
        'transformer',
        def.transformer.type,
      ).create(def.transformer.config, ctx)
    : undefined;
  // The channel's filter runs first: what it drops never reaches a mapping.
  const filters = channelFilters();
  if (def.filter && filters === undefined)
    throw new EngineError('CONFIG_UNKNOWN_PLUGIN', `${def.file}: filters need the mapping stage`);
  const transformer = def.filter && filters ? filters.wrap(def.filter, def.id, mapper) : mapper;
  // Kept before the channel runs, so a message never records a hash whose text is not stored.
  const now = deps.services.clock();
  for (const version of transformer?.versions ?? [])
    await deps.services.store.recordMappingVersion({ ...version, firstSeenAt: now });
  const dests = [];
  for (const d of def.destinations) {
    dests.push({
      name: d.name,
      destination: await need(destinations.get(d.type), def, 'destination', d.type).create(
        d.config,
        {
          ...ctx,
          channel: def,
          destinationName: d.name,
        },
      ),
    });
  }
  return { channelId: def.id, transformer, destinations: dests, retry: def.retry };
}
