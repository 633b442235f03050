import { displayPath } from '../config/yaml-source.js';
import { EngineError } from '../core/errors.js';
import type { DestinationFactoryContext } from '../core/plugins.js';

/**
 * A destination that reads the mapping (the reply section, a `then` step) is useless without a
 * mapping transformer: refuse the channel when it is built, naming the channel file and the
 * destination's line, rather than fail every message at run time. It reads the channel
 * definition the destination is built from (never the channel files again).
 */
export function requireMappingTransformer(
  ctx: Pick<DestinationFactoryContext, 'channel' | 'destinationName'>,
  destinationType: string,
): void {
  const { channel } = ctx;
  if (channel.transformer?.type === 'mapping') return;
  const entry = channel.destinations.find((d) => d.name === ctx.destinationName);
  const where = `${displayPath(channel.file)}${entry?.line === undefined ? '' : `:${entry.line}`}`;
  const name = entry?.name ?? destinationType;
  const has =
    channel.transformer === undefined ? 'none' : `a ${channel.transformer.type} transformer`;
  throw new EngineError(
    'MAP_REPLY_NEEDS_MAPPING',
    `${where}: destination "${name}" (type ${destinationType}) needs a mapping transformer (transformer: { type: mapping, mappings: [...] }); channel ${channel.id} has ${has}`,
    { at: where },
  );
}
