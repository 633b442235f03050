import { channel } from 'node:diagnostics_channel';

/**
 * A diagnostics channel that says each time a message's compiled mapping is resolved (chosen by
 * the transformer, or looked up again) and each time a message is parsed for a mapping. It
 * carries ids only, never message content. Publishing costs nothing without a subscriber; tests
 * subscribe to prove a message enters `mapping/` once (issue 17), and an operator may trace.
 */
export const MAPPING_TRACE = 'ers-bridge:mapping';

export type MappingTraceEvent =
  | { readonly step: 'resolve'; readonly mappingId: string }
  | { readonly step: 'parse'; readonly kind: string };

const trace = channel(MAPPING_TRACE);

export function traceMapping(event: MappingTraceEvent): void {
  if (trace.hasSubscribers) trace.publish(event);
}
