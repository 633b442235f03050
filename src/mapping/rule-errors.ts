import { EngineError } from '../core/errors.js';
import type { EvalScope } from './conditions.js';
import type { CompiledRule } from './rules.js';

/**
 * A runtime error of a rule, with where the rule is written (`context.rule`:
 * `mappings/ref-i12-a021.yaml:14:3`) beside where the value was in the message (`at`), the
 * input's name and, for a CSV row, its number. Other errors pass through unchanged.
 */
export function withRuleLocation(error: unknown, rule: CompiledRule, scope: EvalScope): unknown {
  if (!(error instanceof EngineError) || rule.location === undefined) return error;
  if (error.context['rule'] !== undefined) return error;
  const row = scope.input.row;
  const located = new EngineError(error.code, error.message, {
    ...(error.at === undefined ? {} : { at: error.at }),
    context: {
      ...error.context,
      rule: rule.location,
      input: rule.name,
      ...(row === undefined ? {} : { row }),
    },
    retry: error.retry,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
  located.stack = error.stack;
  return located;
}

/** `MAP_UNMAPPED_CODE at RF1-2.1 (rule priority, mappings/x.yaml:14:3)`: one line for people. */
export function describeRuntimeError(error: EngineError): string {
  const rule = error.context['rule'];
  const input = error.context['input'];
  const where =
    typeof rule === 'string'
      ? ` (rule ${typeof input === 'string' ? `${input}, ` : ''}${rule})`
      : '';
  return `${error.code}${error.at ? ` at ${error.at}` : ''}${where}`;
}
