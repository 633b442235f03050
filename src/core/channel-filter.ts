import type { Transformer } from './plugins.js';

/**
 * A channel file's `filter` (validated by config/channel-schema.ts): messages it drops end
 * FILTERED before any mapping. The conditions are the mapping language's, so the mapping stage
 * provides the compiler here when it is imported (as plugins register themselves), and config
 * (load-time check, with file and line) and engine (the running filter) reach it without
 * importing a higher stage.
 */
export interface ChannelFilterSpec {
  readonly input: 'hl7v2' | 'csv' | 'json' | 'xml';
  readonly drop?: string | undefined;
  readonly keep?: string | undefined;
  readonly reason?: string | undefined;
}

export interface ChannelFilterProblem {
  readonly key: 'drop' | 'keep';
  readonly message: string;
  /** 1-based, inside the condition text. */
  readonly column: number;
}

export interface ChannelFilterSupport {
  /** Every problem of the filter's conditions; empty when it compiles. */
  check(filter: ChannelFilterSpec, channelId: string): ChannelFilterProblem[];
  /** The filter in front of the channel's transformer (or of none). */
  wrap(filter: ChannelFilterSpec, channelId: string, inner: Transformer | undefined): Transformer;
}

let provided: ChannelFilterSupport | undefined;

export function provideChannelFilters(support: ChannelFilterSupport): void {
  provided = support;
}

/** Undefined until the mapping stage is imported (src/main/plugins.ts imports every stage). */
export function channelFilters(): ChannelFilterSupport | undefined {
  return provided;
}
