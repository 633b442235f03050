import { isAbsolute, join } from 'node:path';
import type { ChannelDefinition } from '../config/channel-schema.js';
import { EngineError } from '../core/errors.js';
import { compileMappingFile, type CompiledMapping } from './compile.js';
import type { ReplayPlan } from './replay.js';
import { MappingTransformerSchema } from './transformer.js';

/** The mapping files a channel deploys, resolved as the mapping transformer resolves them. */
function deployedFiles(channel: ChannelDefinition, configDir: string): string[] {
  if (channel.transformer?.type !== 'mapping') return [];
  const parsed = MappingTransformerSchema.safeParse(channel.transformer.config);
  if (!parsed.success) return [];
  return parsed.data.mappings.map((f) => (isAbsolute(f) ? f : join(configDir, f)));
}

/**
 * For each channel that deploys a mapping with the candidate's id, the deployed set and the same
 * set with the candidate in its place. `channel` names one channel to try a new mapping in (added
 * after the deployed ones when that channel has no mapping of its id).
 */
export function replayPlans(opts: {
  readonly channels: readonly ChannelDefinition[];
  readonly configDir: string;
  readonly candidate: CompiledMapping;
  readonly channel?: string;
}): Map<string, ReplayPlan> {
  const plans = new Map<string, ReplayPlan>();
  for (const def of opts.channels) {
    if (opts.channel !== undefined && def.id !== opts.channel) continue;
    const deployed: CompiledMapping[] = deployedFiles(def, opts.configDir).map((f) =>
      compileMappingFile(f),
    );
    const at = deployed.findIndex((m) => m.id === opts.candidate.id);
    if (at >= 0) {
      const candidate = deployed.slice();
      candidate[at] = opts.candidate;
      plans.set(def.id, { deployed, candidate });
    } else if (opts.channel !== undefined) {
      plans.set(def.id, { deployed, candidate: [...deployed, opts.candidate] });
    }
  }
  if (plans.size === 0)
    throw new EngineError(
      'MAP_REPLAY_NO_CHANNEL',
      opts.channel === undefined
        ? `no channel deploys a mapping with id "${opts.candidate.id}": name the channel to try it in (--channel)`
        : `there is no channel "${opts.channel}"`,
    );
  return plans;
}
