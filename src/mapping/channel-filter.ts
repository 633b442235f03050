import {
  provideChannelFilters,
  type ChannelFilterProblem,
  type ChannelFilterSpec,
} from '../core/channel-filter.js';
import type { TransformResult, Transformer } from '../core/plugins.js';
import { compileCondition, type Condition } from './conditions.js';
import { compiledFilter, filterVerdict, type CompiledFilter } from './filter.js';
import { CONTENT_TYPES, parseInput, PathError } from './inputs.js';

/** Compiles a channel's filter; the problems (bad syntax, bad paths) refuse the channel file. */
export function compileChannelFilter(
  filter: ChannelFilterSpec,
  channelId: string,
): { filter?: CompiledFilter; problems: ChannelFilterProblem[] } {
  const problems: ChannelFilterProblem[] = [];
  const one = (key: 'drop' | 'keep'): Condition | undefined => {
    const text = filter[key];
    if (text === undefined) return undefined;
    try {
      return compileCondition(filter.input, text, new Set());
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      problems.push({ key, message: error.message, column: error.column });
      return undefined;
    }
  };
  const drop = one('drop');
  const keep = one('keep');
  if (problems.length > 0) return { problems };
  return {
    filter: compiledFilter(
      filter,
      { ...(drop ? { drop } : {}), ...(keep ? { keep } : {}) },
      `channel ${channelId}`,
    ),
    problems,
  };
}

const FORWARD: TransformResult = {
  kind: 'mapped',
  operation: 'forward',
  input: {},
  mappingId: 'none',
  mappingHash: 'none',
};

/**
 * The channel's filter in front of its transformer: a dropped message ends FILTERED before any
 * mapping runs. A message of another content type than the filter reads passes untouched.
 */
export function withChannelFilter(
  filter: ChannelFilterSpec,
  channelId: string,
  inner: Transformer | undefined,
): Transformer {
  const compiled = compileChannelFilter(filter, channelId).filter;
  if (compiled === undefined)
    throw new Error(`channel ${channelId}: its filter was not checked at load`);
  const contentType = CONTENT_TYPES[filter.input];
  return {
    // The mapping versions behind the filter are still the channel's (kept by hash).
    ...(inner?.versions === undefined ? {} : { versions: inner.versions }),
    async transform(message, context): Promise<TransformResult> {
      if (message.contentType === contentType) {
        const input = await parseInput(
          filter.input,
          message.raw ?? Buffer.alloc(0),
          message.contentType,
        );
        const reason = filterVerdict(compiled, { input, values: {} });
        if (reason !== undefined) return { kind: 'filtered', reason };
      }
      return inner === undefined ? FORWARD : inner.transform(message, context);
    },
  };
}

provideChannelFilters({
  check: (filter, channelId) => compileChannelFilter(filter, channelId).problems,
  wrap: withChannelFilter,
});
