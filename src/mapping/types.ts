import type { Condition, EvalScope } from './conditions.js';
import type { InputKind } from './inputs.js';
import type { TransformFn } from './transforms.js';
import type { CompiledReply } from './reply.js';

/** One logical input (or `_local` step) of a mapping, ready to evaluate. */
export interface CompiledRule {
  readonly name: string;
  /** Names starting with `_` are intermediate steps, not sent to e-RS. */
  readonly local: boolean;
  readonly source: (scope: EvalScope) => unknown;
  readonly when?: Condition;
  readonly transforms: readonly TransformFn[];
  /** Where the value comes from: `input:PID-3[CX.5=NH].1`, `const`, `table:specialty(…)`. */
  readonly lineage: string;
}

export interface CompiledMapping {
  readonly id: string;
  readonly file: string;
  readonly description: string;
  /** sha256 of the mapping file and every table it uses. */
  readonly hash: string;
  readonly kind: InputKind;
  readonly operation: string;
  readonly when?: Condition;
  /** CSV: the header set a row must have for the mapping to apply. */
  readonly headers?: readonly string[];
  readonly rules: readonly CompiledRule[];
  /** search key name → logical input name. */
  readonly searchKeys: Readonly<Record<string, string>>;
  readonly reply?: CompiledReply;
}

export interface MappingOutput {
  readonly mappingId: string;
  readonly mappingHash: string;
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly lineage: Record<string, string>;
  readonly warnings: string[];
  readonly searchKeys: Record<string, string>;
}
