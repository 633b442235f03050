import { EngineError } from '../core/errors.js';
import {
  OPERATIONS,
  isOperationId,
  operationInputSchema,
  type OperationRequest,
} from '../ers/operations/index.js';
import { traceErsInput } from '../ers/operations/trace.js';
import type { CompiledMapping, CompiledRule } from './compile.js';
import type { CompiledResolve } from './resolve.js';
import type { EvalScope } from './conditions.js';
import { filterVerdict } from './filter.js';
import { parseInput, unreadFields, type ParsedInput } from './inputs.js';
import { shapeValue } from './operations.js';
import { resolvedLineage, resolveInputs, standInAnswers, type ErsAnswers } from './resolve.js';
import { withRuleLocation } from './rule-errors.js';

export type MappingRun =
  | {
      readonly kind: 'filtered';
      readonly reason: string;
      /** `when`: the mapping does not apply (the next one is tried); `filter`: it applies and
       * leaves the message out on purpose (FILTERED). */
      readonly by: 'when' | 'filter';
    }
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
  for (const c of compiled.when)
    if (!c(scope))
      return { kind: 'filtered', by: 'when', reason: `mapping ${compiled.id}: when does not hold` };
  const dropped = compiled.filter && filterVerdict(compiled.filter, scope);
  if (dropped !== undefined) return { kind: 'filtered', by: 'filter', reason: dropped };
  const lineage = await runRules(compiled.rules, scope);
  const step = checkInputs(compiled.operation, compiled.rules, values, lineage, {
    resolve: compiled.resolve,
    answers: opts.answers,
  });
  const warnings = unreadFields(scope.input, ignoredOf(compiled)).map((f) => `unread: ${f}`);
  return withRequest(
    {
      kind: 'mapped' as const,
      mappingId: compiled.id,
      mappingHash: compiled.hash,
      operation: compiled.operation,
      input: step.input,
      lineage,
      warnings,
    },
    compiled.operation,
    step.data,
  );
}

/** Runs rules in order into `scope.values`; returns the lineage of the non-helper inputs. */
export async function runRules(
  rules: readonly CompiledRule[],
  scope: EvalScope & { readonly values: Record<string, unknown> },
): Promise<Record<string, string>> {
  const lineage: Record<string, string> = {};
  for (const rule of rules) {
    let v: RuleResult;
    try {
      const pending = evaluateRule(rule, scope);
      v = pending instanceof Promise ? await pending : pending;
    } catch (error) {
      throw withRuleLocation(error, rule, scope);
    }
    if (v === undefined) continue;
    scope.values[rule.name] = v.value;
    if (!rule.name.startsWith('_')) lineage[rule.name] = v.lineage;
  }
  return lineage;
}

/**
 * Checks the produced values against the operation's schema (with resolved inputs from answers
 * or stand-ins) and fills the lineage of schema defaults. `data` is what the request is built
 * from (builders are pure and never throw, so building it later, on first read, changes nothing).
 */
function checkInputs(
  operation: string,
  rules: readonly CompiledRule[],
  values: Readonly<Record<string, unknown>>,
  lineage: Record<string, string>,
  opts: { resolve: CompiledResolve | undefined; answers: ErsAnswers | undefined },
): { input: Record<string, unknown>; data: Record<string, unknown> } {
  const schema = operationInputSchema(operation);
  // Only this step's own rules are sent (a `then` step's values also hold the first step's);
  // `_helpers` are steps for later rules, never sent.
  const sent: Record<string, unknown> = {};
  for (const name of sentNamesOf(rules)) if (values[name] !== undefined) sent[name] = values[name];
  const full = opts.resolve
    ? resolveInputs(opts.resolve, sent, opts.answers ?? standInAnswers(sent))
    : sent;
  if (schema !== undefined) traceErsInput({ step: 'validate', operation });
  const checked = schema?.safeParse(full);
  if (checked && !checked.success) {
    const [issue] = checked.error.issues;
    if (issue === undefined)
      throw new EngineError('MAP_INVALID_VALUE', `${operation}: inputs refused`);
    const name = String(issue.path[0] ?? '');
    const rule = rules.find((r) => r.name === name);
    const at = rule?.from?.source ?? name;
    const where = rule?.location === undefined ? {} : { rule: rule.location };
    if (full[name] === undefined)
      throw new EngineError(
        'MAP_REQUIRED_FIELD_MISSING',
        `${operation} needs ${name} but ${at} has no value`,
        { at, context: { input: name, ...where } },
      );
    throw new EngineError('MAP_INVALID_VALUE', `${name} from ${at}: ${issue.message}`, {
      at,
      context: { input: name, ...where },
    });
  }
  const data = (checked?.data ?? full) as Record<string, unknown>;
  const resolvedNames = opts.resolve?.names ?? [];
  // Resolved values are not stored (the ers destination reads them again at send time); a value
  // the mapping produced too (the booked start) is the wish the rule matches, and is kept.
  const input =
    resolvedNames.length === 0
      ? data
      : Object.fromEntries(
          Object.entries(data)
            .filter(([k]) => !resolvedNames.includes(k) || k in sent)
            .map(([k, v]) => [k, resolvedNames.includes(k) ? sent[k] : v]),
        );
  if (opts.resolve) Object.assign(lineage, resolvedLineage(opts.resolve, sent, lineage));
  // Values the operation's schema filled in itself (zod defaults) are traced to it too.
  for (const k of Object.keys(input)) lineage[k] ??= `default:${operation}`;
  return { input, data };
}

/** The request the inputs make, without the e-RS client's build context (a preview). */
function buildPreview(operation: string, data: Record<string, unknown>): OperationRequest {
  if (!isOperationId(operation)) return { method: 'POST', path: '', expect: 'none' };
  traceErsInput({ step: 'build', operation });
  return (OPERATIONS[operation].build as (i: unknown) => OperationRequest)(data);
}

/**
 * Holds what `request` is built from. `request` is built on first read and kept: tools (golden
 * files, the tester, `mapping test`) read it, the engine does not — the e-RS client builds what
 * it sends — so a message's request is built once (issue 17). Builders are pure and never throw,
 * so building later changes nothing.
 */
class RequestSource {
  readonly #operation: string;
  readonly #data: Record<string, unknown>;
  #request: OperationRequest | undefined;

  constructor(fields: object, operation: string, data: Record<string, unknown>) {
    Object.assign(this, fields);
    this.#operation = operation;
    this.#data = data;
    // Own and enumerable (spread, JSON and the key order as before), through one shared getter:
    // a getter made per object (a closure in Object.defineProperty or in an object literal)
    // gives each run a hidden class of its own, ~1 µs a message (decision 185).
    Object.defineProperty(this, 'request', REQUEST);
  }

  static request(of: RequestSource): OperationRequest {
    return (of.#request ??= buildPreview(of.#operation, of.#data));
  }
}

const REQUEST: PropertyDescriptor = {
  enumerable: true,
  get(this: RequestSource): OperationRequest {
    return RequestSource.request(this);
  },
};

/** `fields` plus `request`, the request `data` makes for `operation`, built on first read. */
function withRequest<T extends object>(
  fields: T,
  operation: string,
  data: Record<string, unknown>,
): T & { readonly request: OperationRequest } {
  return new RequestSource(fields, operation, data) as unknown as T & {
    readonly request: OperationRequest;
  };
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
  const step = checkInputs(then.operation, then.rules, values, lineage, {
    resolve: then.resolve,
    answers: opts.answers,
  });
  return withRequest(
    { operation: then.operation, input: step.input, lineage },
    then.operation,
    step.data,
  );
}

type RuleResult = { value: unknown; lineage: string } | undefined;

/** Synchronous unless a step is (JSONata): most rules then cost no promise per message. */
function evaluateRule(rule: CompiledRule, scope: EvalScope): RuleResult | Promise<RuleResult> {
  if (rule.when && !rule.when(scope)) return undefined;
  let value: unknown;
  if (rule.from) {
    const found = rule.from.values(scope.input);
    value = found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
  } else if (rule.ref !== undefined) value = scope.values[rule.ref];
  else value = rule.constValue;
  return runSteps(rule, scope, value, 0);
}

function runSteps(
  rule: CompiledRule,
  scope: EvalScope,
  start: unknown,
  from: number,
): RuleResult | Promise<RuleResult> {
  const at = rule.from?.source ?? rule.name;
  let value = start;
  for (let i = from; i < rule.steps.length; i++) {
    const step = rule.steps[i];
    if (step === undefined) break;
    const out = step.fn(value, scope, at);
    if (out instanceof Promise) return out.then((v: unknown) => runSteps(rule, scope, v, i + 1));
    value = out;
  }
  return finish(rule, value, at);
}

/** True for no value: undefined, null, '' or a list of only those (what toStrings drops). */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  return Array.isArray(v) && v.every(isEmpty);
}

function finish(rule: CompiledRule, produced: unknown, at: string): RuleResult {
  let value = produced;
  let lineage = rule.lineage;
  if (isEmpty(value) && rule.defaultValue !== undefined) {
    value = rule.defaultValue;
    lineage = 'default';
  }
  if (isEmpty(value)) {
    if (rule.required)
      throw new EngineError(
        'MAP_REQUIRED_FIELD_MISSING',
        `${rule.name} is required but ${at} has no value`,
        { at },
      );
    return undefined;
  }
  return { value: shapeValue(value, rule.shape), lineage };
}

const sentNames = new WeakMap<readonly CompiledRule[], readonly string[]>();

/** The names a step sends (its rules minus `_helpers`), computed once per compiled rule list. */
function sentNamesOf(rules: readonly CompiledRule[]): readonly string[] {
  let names = sentNames.get(rules);
  if (names === undefined)
    sentNames.set(rules, (names = rules.map((r) => r.name).filter((n) => !n.startsWith('_'))));
  return names;
}

const ignoredSets = new WeakMap<CompiledMapping, ReadonlySet<string>>();

/** The mapping's `ignore` list as a set, built once per compiled mapping (hot path). */
function ignoredOf(m: CompiledMapping): ReadonlySet<string> {
  let set = ignoredSets.get(m);
  if (set === undefined) ignoredSets.set(m, (set = new Set(m.ignore)));
  return set;
}
