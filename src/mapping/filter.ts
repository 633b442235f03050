import { z } from 'zod';
import type { Condition, EvalScope } from './conditions.js';

/**
 * A filter (channel file or mapping file): messages it drops end FILTERED, are answered as
 * accepted (AA/CA) and counted, never ERROR. `drop` names what to leave out; `keep` names the
 * only messages to go on with (everything else is dropped). Conditions are the mapping
 * language's (`MSH-9.1 in (ADT, ORM)`), strings only, so each is reported at its own line.
 */
export const FilterSchema = z
  .strictObject({
    drop: z.string().min(1).optional(),
    keep: z.string().min(1).optional(),
    /** Shown on the message and in the dashboard instead of the condition text. */
    reason: z.string().min(1).optional(),
  })
  .refine((f) => f.drop !== undefined || f.keep !== undefined, {
    message: 'a filter needs drop: <condition> or keep: <condition>',
  });
export type FilterSpec = z.infer<typeof FilterSchema>;

export interface CompiledFilter {
  readonly drop?: Condition;
  readonly keep?: Condition;
  /** Written on the FILTERED message: the operator's reason, else the condition that decided. */
  readonly dropReason: string;
  readonly keepReason: string;
}

export function compiledFilter(
  spec: FilterSpec,
  compiled: { drop?: Condition; keep?: Condition },
  where: string,
): CompiledFilter {
  return {
    ...compiled,
    dropReason: spec.reason ?? `${where} filter: drop ${spec.drop ?? ''}`,
    keepReason: spec.reason ?? `${where} filter: not keep ${spec.keep ?? ''}`,
  };
}

/** Pure: the reason the filter drops the message, or undefined when it goes on. */
export function filterVerdict(filter: CompiledFilter, scope: EvalScope): string | undefined {
  if (filter.drop?.(scope) === true) return filter.dropReason;
  if (filter.keep !== undefined && !filter.keep(scope)) return filter.keepReason;
  return undefined;
}
