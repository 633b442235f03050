import { EngineError } from '../engine/errors.js';
import {
  OPERATIONS,
  isOperationId,
  operationInputSchema,
  type OperationRequest,
} from '../ers/operations/index.js';
import type { CompiledMapping, CompiledRule } from './compile.js';
import { toStrings, type EvalScope } from './conditions.js';
import { parseInput, unreadFields, type ParsedInput } from './inputs.js';
import { shapeValue } from './operations.js';

export type MappingRun =
  | { readonly kind: 'filtered'; readonly reason: string }
  | {
      readonly kind: 'mapped';
      readonly mappingId: string;
      readonly mappingHash: string;
      readonly operation: string;
      /** The logical inputs as the operation's schema normalised them (defaults filled in). */
      readonly input: Record<string, unknown>;
      /** For each logical input: the path, table or constant it came from. */
      readonly lineage: Record<string, string>;
      /** Input fields no rule read (minus the mapping's `ignore` list). */
      readonly warnings: string[];
      /** The e-RS request the operation would send. */
      readonly request: OperationRequest;
    };

/** Parses `raw` as the mapping's input kind and evaluates the mapping on it. */
export async function evaluateMapping(
  compiled: CompiledMapping,
  raw: Buffer | string,
  contentType: string,
): Promise<MappingRun> {
  return evaluateParsed(compiled, await parseInput(compiled.kind, raw, contentType));
}

export async function evaluateParsed(
  compiled: CompiledMapping,
  parsed: ParsedInput,
): Promise<MappingRun> {
  const values: Record<string, unknown> = {};
  const scope: EvalScope = { input: parsed, values };
  if (!compiled.when.every((c) => c(scope)))
    return { kind: 'filtered', reason: `mapping ${compiled.id}: when does not hold` };
  const lineage: Record<string, string> = {};
  for (const rule of compiled.rules) {
    const pending = evaluateRule(rule, scope);
    const v = pending instanceof Promise ? await pending : pending;
    if (v === undefined) continue;
    values[rule.name] = v.value;
    if (!rule.name.startsWith('_')) lineage[rule.name] = v.lineage;
  }
  const schema = operationInputSchema(compiled.operation);
  // `_helpers` are steps for later rules, never sent.
  const sent = Object.fromEntries(Object.entries(values).filter(([k]) => !k.startsWith('_')));
  const checked = schema?.safeParse(sent);
  if (checked && !checked.success) {
    const [issue] = checked.error.issues;
    if (issue === undefined)
      throw new EngineError('MAP_INVALID_VALUE', `${compiled.operation}: inputs refused`);
    const name = String(issue.path[0] ?? '');
    const rule = compiled.rules.find((r) => r.name === name);
    const at = rule?.from?.source ?? name;
    if (values[name] === undefined)
      throw new EngineError(
        'MAP_REQUIRED_FIELD_MISSING',
        `${compiled.operation} needs ${name} but ${at} has no value`,
        { at },
      );
    throw new EngineError('MAP_INVALID_VALUE', `${name} from ${at}: ${issue.message}`, {
      at,
      context: { input: name },
    });
  }
  const input = (checked?.data ?? sent) as Record<string, unknown>;
  const request = isOperationId(compiled.operation)
    ? (OPERATIONS[compiled.operation].build as (i: unknown) => OperationRequest)(input)
    : { method: 'POST' as const, path: '', expect: 'none' as const };
  const ignored = ignoredOf(compiled);
  const warnings: string[] = [];
  for (const f of unreadFields(scope.input)) {
    // HL7 ids are `SEG-n`; CSV/JSON/XML paths are matched whole or by their first step.
    if (!ignored.has(f) && !ignored.has(f.split(/[-./]/)[0] ?? f)) warnings.push(`unread: ${f}`);
  }
  return {
    kind: 'mapped',
    mappingId: compiled.id,
    mappingHash: compiled.hash,
    operation: compiled.operation,
    input,
    lineage,
    warnings,
    request,
  };
}

type RuleResult = { value: unknown; lineage: string } | undefined;

/** Synchronous unless a step is (JSONata): most rules then cost no promise per message. */
function evaluateRule(rule: CompiledRule, scope: EvalScope): RuleResult | Promise<RuleResult> {
  if (rule.when && !rule.when(scope)) return undefined;
  const at = rule.from?.source ?? rule.name;
  let value: unknown;
  if (rule.from) {
    const found = rule.from.values(scope.input);
    value = found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
  } else if (rule.ref !== undefined) value = scope.values[rule.ref];
  else value = rule.constValue;
  return runSteps(rule, scope, { at, value, next: 0, trail: [rule.origin] });
}

interface StepState {
  readonly at: string;
  value: unknown;
  next: number;
  readonly trail: string[];
}

function runSteps(
  rule: CompiledRule,
  scope: EvalScope,
  st: StepState,
): RuleResult | Promise<RuleResult> {
  for (; st.next < rule.steps.length; st.next++) {
    const step = rule.steps[st.next];
    if (step === undefined) break;
    if (step.lineage) st.trail.push(step.lineage);
    const out = step.fn(st.value, scope, st.at);
    if (out instanceof Promise) {
      st.next++;
      return out.then((v: unknown) => {
        st.value = v;
        return runSteps(rule, scope, st);
      });
    }
    st.value = out;
  }
  return finish(rule, st);
}

function finish(rule: CompiledRule, st: StepState): RuleResult {
  let value = st.value;
  let trail = st.trail;
  if (toStrings(value).length === 0 && rule.defaultValue !== undefined) {
    value = rule.defaultValue;
    trail = ['default'];
  }
  if (toStrings(value).length === 0) {
    if (rule.required)
      throw new EngineError(
        'MAP_REQUIRED_FIELD_MISSING',
        `${rule.name} is required but ${st.at} has no value`,
        { at: st.at },
      );
    return undefined;
  }
  return { value: shapeValue(value, rule.shape), lineage: trail.join(' → ') };
}

const ignoredSets = new WeakMap<CompiledMapping, ReadonlySet<string>>();

/** The mapping's `ignore` list as a set, built once per compiled mapping (hot path). */
function ignoredOf(m: CompiledMapping): ReadonlySet<string> {
  let set = ignoredSets.get(m);
  if (set === undefined) ignoredSets.set(m, (set = new Set(m.ignore)));
  return set;
}
