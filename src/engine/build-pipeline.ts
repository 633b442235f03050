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

/**
 * Creates a channel's plugin instances. Anything that fails here (a mapping that does not
 * compile, a template with an error) fails the whole build, so a reload never half-applies.
 */
export async function buildChannel(
  def: ChannelDefinition,
  deps: { configDir: string; dataDir: string; logger: Logger; services: EngineServices },
): Promise<BuiltChannel> {
  const ctx: PluginFactoryContext = {
    channelId: def.id,
    configDir: deps.configDir,
    dataDir: deps.dataDir,
    logger: deps.logger.child({ channel: def.id }),
    services: deps.services,
  };
  const need = <T>(plugin: T | undefined, kind: string, type: string): T => {
    if (plugin === undefined)
      throw new EngineError('CONFIG_UNKNOWN_PLUGIN', `${def.file}: unknown ${kind} type "${type}"`);
    return plugin;
  };
  const mapper = def.transformer
    ? await need(
        transformers.get(def.transformer.type),
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
      destination: await need(destinations.get(d.type), 'destination', d.type).create(d.config, {
        ...ctx,
        channel: def,
        destinationName: d.name,
      }),
    });
  }
  const source = await need(sources.get(def.source.type), 'source', def.source.type).create(
    def.source.config,
    ctx,
  );
  return {
    source,
    pipeline: { channelId: def.id, transformer, destinations: dests, retry: def.retry },
  };
}
