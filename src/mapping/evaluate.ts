import { EngineError } from '../engine/errors.js';
import {
  OPERATIONS,
  isOperationId,
  operationInputSchema,
  type OperationRequest,
} from '../ers/operations/index.js';
import type { CompiledMapping, CompiledRule } from './compile.js';
import type { CompiledResolve } from './resolve.js';
import { toStrings, type EvalScope } from './conditions.js';
import { parseInput, unreadFields, type ParsedInput } from './inputs.js';
import { shapeValue } from './operations.js';
import { resolveInputs, standInAnswers, type ErsAnswers } from './resolve.js';

export type MappingRun =
  | { readonly kind: 'filtered'; readonly reason: string }
  | {
      readonly kind: 'mapped';
      readonly mappingId: string;
      readonly mappingHash: string;
      readonly operation: string;
      /**
       * The logical inputs as the operation's schema normalised them (defaults filled in), without
       * the ones e-RS supplies at send time (`resolve`): the ers destination adds those.
       */
      readonly input: Record<string, unknown>;
      /** For each logical input: the path, table or constant it came from. */
      readonly lineage: Record<string, string>;
      /** Input fields no rule read (minus the mapping's `ignore` list). */
      readonly warnings: string[];
      /** The e-RS request the operation would send (resolved inputs from `answers` or stand-ins). */
      readonly request: OperationRequest;
    };

export interface EvaluateOptions {
  /** e-RS answers for `resolve` (recorded in samples); stand-ins when absent. */
  readonly answers?: ErsAnswers;
}

/** Parses `raw` as the mapping's input kind and evaluates the mapping on it. */
export async function evaluateMapping(
  compiled: CompiledMapping,
  raw: Buffer | string,
  contentType: string,
  opts: EvaluateOptions = {},
): Promise<MappingRun> {
  return evaluateParsed(compiled, await parseInput(compiled.kind, raw, contentType), opts);
}

export async function evaluateParsed(
  compiled: CompiledMapping,
  parsed: ParsedInput,
  opts: EvaluateOptions = {},
): Promise<MappingRun> {
  const values: Record<string, unknown> = {};
  const scope: EvalScope = { input: parsed, values };
  if (!compiled.when.every((c) => c(scope)))
    return { kind: 'filtered', reason: `mapping ${compiled.id}: when does not hold` };
  const lineage = await runRules(compiled.rules, scope);
  const step = checkStep(compiled.operation, compiled.rules, values, lineage, {
    resolve: compiled.resolve,
    answers: opts.answers,
  });
  const { input, request } = step;
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

/** Runs rules in order into `scope.values`; returns the lineage of the non-helper inputs. */
export async function runRules(
  rules: readonly CompiledRule[],
  scope: EvalScope & { readonly values: Record<string, unknown> },
): Promise<Record<string, string>> {
  const lineage: Record<string, string> = {};
  for (const rule of rules) {
    const pending = evaluateRule(rule, scope);
    const v = pending instanceof Promise ? await pending : pending;
    if (v === undefined) continue;
    scope.values[rule.name] = v.value;
    if (!rule.name.startsWith('_')) lineage[rule.name] = v.lineage;
  }
  return lineage;
}

/**
 * Checks the produced values against the operation's schema (with resolved inputs from answers
 * or stand-ins), fills the lineage of schema defaults, and builds the request.
 */
export function checkStep(
  operation: string,
  rules: readonly CompiledRule[],
  values: Readonly<Record<string, unknown>>,
  lineage: Record<string, string>,
  opts: { resolve: CompiledResolve | undefined; answers: ErsAnswers | undefined },
): { input: Record<string, unknown>; request: OperationRequest } {
  const schema = operationInputSchema(operation);
  // `_helpers` are steps for later rules, never sent; `ers.x` are a first step's answer.
  // Only this step's own rules are sent (a `then` step's values also hold the first step's).
  const own = new Set(rules.map((r) => r.name));
  const sent = Object.fromEntries(
    Object.entries(values).filter(([k]) => own.has(k) && !k.startsWith('_')),
  );
  const full = opts.resolve
    ? resolveInputs(opts.resolve, sent, opts.answers ?? standInAnswers(sent))
    : sent;
  const checked = schema?.safeParse(full);
  if (checked && !checked.success) {
    const [issue] = checked.error.issues;
    if (issue === undefined)
      throw new EngineError('MAP_INVALID_VALUE', `${operation}: inputs refused`);
    const name = String(issue.path[0] ?? '');
    const rule = rules.find((r) => r.name === name);
    const at = rule?.from?.source ?? name;
    if (full[name] === undefined)
      throw new EngineError(
        'MAP_REQUIRED_FIELD_MISSING',
        `${operation} needs ${name} but ${at} has no value`,
        { at },
      );
    throw new EngineError('MAP_INVALID_VALUE', `${name} from ${at}: ${issue.message}`, {
      at,
      context: { input: name },
    });
  }
  const data = (checked?.data ?? full) as Record<string, unknown>;
  const request = isOperationId(operation)
    ? (OPERATIONS[operation].build as (i: unknown) => OperationRequest)(data)
    : { method: 'POST' as const, path: '', expect: 'none' as const };
  const resolvedNames = new Set(opts.resolve?.names ?? []);
  // Resolved values are not stored (the ers destination reads them again at send time); a value
  // the mapping produced too (the booked start) is the wish the rule matches, and is kept.
  const input = Object.fromEntries(
    Object.entries(data)
      .filter(([k]) => !resolvedNames.has(k) || k in sent)
      .map(([k, v]) => [k, resolvedNames.has(k) ? sent[k] : v]),
  );
  for (const name of resolvedNames) {
    const resolved = opts.resolve?.lineage[name] ?? 'ers';
    lineage[name] = name in sent ? `${lineage[name] ?? 'input'} → ${resolved}` : resolved;
  }
  // Values the operation's schema filled in itself (zod defaults) are traced to it too.
  for (const k of Object.keys(input)) lineage[k] ??= `default:${operation}`;
  return { input, request };
}

/**
 * The `then` step's inputs (e.g. A012 after A020): its rules run on the same message, with the
 * first step's inputs as `$name` and its e-RS answer as `$ers.<name>`.
 */
export async function evaluateThen(
  compiled: CompiledMapping,
  parsed: ParsedInput,
  first: Readonly<Record<string, unknown>>,
  ersOutput: Readonly<Record<string, unknown>>,
  opts: EvaluateOptions = {},
): Promise<{
  operation: string;
  input: Record<string, unknown>;
  lineage: Record<string, string>;
  request: OperationRequest;
}> {
  const then = compiled.then;
  if (then === undefined) throw new Error(`mapping ${compiled.id} has no then step`);
  const values: Record<string, unknown> = { ...first };
  for (const [k, v] of Object.entries(ersOutput)) values[`ers.${k}`] = v;
  const lineage = await runRules(then.rules, { input: parsed, values });
  const { input, request } = checkStep(then.operation, then.rules, values, lineage, {
    resolve: then.resolve,
    answers: opts.answers,
  });
  return { operation: then.operation, input, lineage, request };
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
