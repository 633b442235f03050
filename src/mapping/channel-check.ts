import { channelFiles } from '../config/load-channels.js';
import { readYamlSource } from '../config/yaml-source.js';
import { EngineError } from '../core/errors.js';
import type { PluginFactoryContext } from '../core/plugins.js';

interface ChannelShape {
  id?: unknown;
  transformer?: { type?: unknown };
  destinations?: Record<string, unknown>[];
}

/**
 * Channels whose mapping transformer was built in this process, for channels that do not come
 * from a file in `channels/` (tests building definitions in code).
 */
const mappingChannels = new Set<string>();

export function noteMappingChannel(channelId: string): void {
  mappingChannels.add(channelId);
}

/**
 * A destination that reads the mapping (the reply section, a `then` step) is useless without a
 * mapping transformer: refuse the channel when it is built, naming the channel file and the
 * destination's line, rather than fail every message at run time.
 */
export function requireMappingTransformer(
  ctx: Pick<PluginFactoryContext, 'channelId' | 'configDir'>,
  destination: {
    readonly type: string;
    readonly matches?: (d: Record<string, unknown>) => boolean;
  },
): void {
  for (const file of channelFiles(ctx.configDir)) {
    let source: ReturnType<typeof readYamlSource>;
    try {
      source = readYamlSource(file, process.env);
    } catch {
      continue; // the config loader reports unreadable files itself
    }
    const value = (source.value ?? {}) as ChannelShape;
    if (value.id !== ctx.channelId) continue;
    if (value.transformer?.type === 'mapping') return;
    const index = (value.destinations ?? []).findIndex(
      (d) =>
        d.type === destination.type &&
        (destination.matches === undefined || destination.matches(d)),
    );
    const line = source.lineOf(index < 0 ? ['destinations'] : ['destinations', index, 'type']);
    const named = value.destinations?.[index]?.name;
    const name = typeof named === 'string' ? named : destination.type;
    throw new EngineError(
      'MAP_REPLY_NEEDS_MAPPING',
      `${source.displayPath}:${line}: destination "${name}" (type ${destination.type}) needs a mapping transformer (transformer: { type: mapping, mappings: [...] }); channel ${ctx.channelId} has ${value.transformer === undefined ? 'none' : `a ${String(value.transformer.type)} transformer`}`,
      { at: `${source.displayPath}:${line}` },
    );
  }
  if (mappingChannels.has(ctx.channelId)) return;
  throw new EngineError(
    'MAP_REPLY_NEEDS_MAPPING',
    `channel ${ctx.channelId}: destination type ${destination.type} needs a mapping transformer`,
  );
}
