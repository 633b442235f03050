import type { MappedMessage } from '../core/plugins.js';
import type { MessagePatch } from '../core/store-types.js';

/** What the TRANSFORMED write records: written on its own, or carried into the next write. */
export interface TransformRecord {
  readonly detail: Record<string, unknown>;
  readonly patch: MessagePatch;
}

export interface Transformed {
  readonly mapped: MappedMessage;
  /** Set when the TRANSFORMED write was not made: the next write of this message carries it. */
  readonly carried: TransformRecord | undefined;
}

/**
 * Pure: whether the TRANSFORMED write can ride the next write (SENT, as a rule). It exists to
 * mark a destination in flight before its call, so a crash is not followed by a second call
 * that may repeat an effect; when every destination is safe to repeat (local writes, atomic
 * renames of the same name) a crash simply reruns the message, so that commit buys nothing and
 * costs one durable store write per message (decision 140).
 */
export const foldsTransformed = (
  destinations: readonly { readonly destination: { readonly safeToRepeat?: boolean } }[],
): boolean =>
  destinations.length > 0 && destinations.every((d) => d.destination.safeToRepeat === true);

/** Pure: the mapping's facts for the event history and the message row. */
export function transformRecord(mapped: MappedMessage): TransformRecord {
  return {
    detail: {
      operation: mapped.operation,
      mappingId: mapped.mappingId,
      mappingHash: mapped.mappingHash,
      warnings: mapped.warnings?.length ?? 0,
    },
    patch: {
      mappedInput: {
        operation: mapped.operation,
        input: mapped.input,
        warnings: mapped.warnings ?? [],
        lineage: mapped.lineage ?? {},
      },
      mappingHash: mapped.mappingHash,
      ...(mapped.searchKeys ? { searchKeys: mapped.searchKeys } : {}),
    },
  };
}
