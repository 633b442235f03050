import jsonata from 'jsonata';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { EngineError } from '../core/errors.js';
import { isValidNhsNumber } from '../ers/nhs-number.js';
import { compileAccessor, PathError, type InputKind } from './inputs.js';
import { fhirToHl7, hl7ToFhirDate, hl7ToFhirDateTime } from './dates.js';
import { loadTable, type LookupTable, type UnmappedRule } from './tables.js';
import { toStrings, type EvalScope } from './conditions.js';
import { scalarString, valueNode, type IssueList } from './positions.js';
import type { ValueType } from './operations.js';

export interface TransformEnv {
  readonly issues: IssueList;
  readonly kind: InputKind;
  readonly tablesDir: string;
  readonly tables: Map<string, LookupTable>;
  /** Logical inputs defined before this one. */
  readonly known: ReadonlySet<string>;
}

/** `at` is the input name, for runtime errors. */
export type TransformFn = (value: unknown, scope: EvalScope, at: string) => unknown;

export interface CompiledTransform {
  readonly fn: TransformFn;
  readonly type: ValueType | undefined;
  /** Extra lineage (e.g. `table:specialty`). */
  readonly lineage?: string;
}

export const TRANSFORM_NAMES = [
  'trim',
  'upper',
  'lower',
  'nhsNumber',
  'date',
  'dateTime',
  'hl7Timestamp',
  'required',
  'first',
  'default',
  'pad',
  'split',
  'join',
  'concat',
  'table',
  'jsonata',
  'hl7DateToFhir',
  'hl7DateTimeToFhir',
  'fhirToHl7',
] as const;

const eachString =
  (f: (s: string) => unknown): TransformFn =>
  (v) =>
    Array.isArray(v)
      ? (v as unknown[]).map((x) => (typeof x === 'string' ? f(x) : x))
      : typeof v === 'string'
        ? f(v)
        : v;

const invalid = (at: string, what: string): never => {
  throw new EngineError('MAP_INVALID_VALUE', `${at}: value is not ${what}`, { at });
};

/** Modulus 11 check digit of a 10-digit NHS number (the e-RS client's own check). */
export const nhsNumberValid = (n: string): boolean => isValidNhsNumber(n);

export function compileTransform(node: Node, env: TransformEnv): CompiledTransform | undefined {
  let name: string | undefined;
  let arg: Node | undefined;
  if (isScalar(node)) name = scalarString(node);
  else if (isMap(node) && node.items.length === 1) {
    const [pair] = node.items;
    if (pair && isScalar(pair.key)) {
      name = String(pair.key.value);
      arg = pair.value as Node;
    }
  }
  if (name === undefined || !(TRANSFORM_NAMES as readonly string[]).includes(name)) {
    env.issues.add(
      node,
      `unknown transform ${name === undefined ? '' : `"${name}"`}`.trim(),
      `one of ${TRANSFORM_NAMES.join(', ')}`,
    );
    return undefined;
  }
  const argText = scalarString(arg);
  switch (name as (typeof TRANSFORM_NAMES)[number]) {
    case 'trim':
      return { fn: eachString((s) => s.trim()), type: undefined };
    case 'upper':
      return { fn: eachString((s) => s.toUpperCase()), type: undefined };
    case 'lower':
      return { fn: eachString((s) => s.toLowerCase()), type: undefined };
    case 'nhsNumber':
      return {
        type: 'nhsNumber',
        fn: (v, _s, at) =>
          eachString((s) => {
            const n = s.replace(/[\s-]/g, '');
            return nhsNumberValid(n) ? n : invalid(at, 'a valid NHS number (check digit)');
          })(v, _s, at),
      };
    case 'date':
    case 'hl7DateToFhir':
      return {
        type: 'date',
        fn: (v, s, at) =>
          eachString((x) => hl7ToFhirDate(x) ?? invalid(at, 'an HL7 date'))(v, s, at),
      };
    case 'dateTime':
    case 'hl7DateTimeToFhir': {
      // `dateTime: as-sent` keeps the timestamp's own offset instead of Europe/London's.
      if (argText !== undefined && argText !== 'as-sent') {
        need(env, node, 'dateTime takes no option or as-sent', 'dateTime: as-sent');
        return;
      }
      const asSent = argText === 'as-sent';
      return {
        type: 'dateTime',
        fn: (v, s, at) =>
          eachString((x) => hl7ToFhirDateTime(x, asSent) ?? invalid(at, 'an HL7 timestamp'))(
            v,
            s,
            at,
          ),
      };
    }
    case 'hl7Timestamp':
    case 'fhirToHl7':
      return {
        type: 'string',
        fn: (v, s, at) => eachString((x) => fhirToHl7(x) ?? invalid(at, 'a FHIR date'))(v, s, at),
      };
    case 'required':
      return {
        type: undefined,
        fn: (v, _s, at) => {
          if (toStrings(v).length === 0)
            throw new EngineError(
              'MAP_REQUIRED_FIELD_MISSING',
              `${at} is required but has no value`,
              { at },
            );
          return v;
        },
      };
    case 'first':
      return { type: 'string', fn: (v) => (Array.isArray(v) ? (v as unknown[])[0] : v) };
    case 'default':
      if (arg === undefined || !isScalar(arg)) {
        need(env, node, 'default needs a value', 'default: ROUTINE');
        return;
      }
      return { type: undefined, fn: (v) => (toStrings(v).length === 0 ? arg.value : v) };
    case 'join':
      return { type: 'string', fn: (v) => (Array.isArray(v) ? v.join(argText ?? ',') : v) };
    case 'split':
      if (argText === undefined) {
        need(env, node, 'split needs a separator', "split: ','");
        return;
      }
      return {
        type: 'list',
        fn: (v) =>
          typeof v === 'string'
            ? v
                .split(argText)
                .map((x) => x.trim())
                .filter((x) => x !== '')
            : v,
      };
    case 'pad':
      return pad(node, arg, env);
    case 'concat':
      return concat(node, arg, env);
    case 'table':
      return table(node, arg, env);
    case 'jsonata':
      return expression(node, arg, env);
  }
}

function need(env: TransformEnv, node: Node, message: string, example: string): undefined {
  env.issues.add(node, message, `e.g. ${example}`);
  return undefined;
}

function pad(node: Node, arg: Node | undefined, env: TransformEnv): CompiledTransform | undefined {
  const length = Number(scalarString(isMap(arg) ? valueNode(arg, 'length') : arg));
  const char = (isMap(arg) ? scalarString(valueNode(arg, 'char')) : undefined) ?? '0';
  const side = (isMap(arg) ? scalarString(valueNode(arg, 'side')) : undefined) ?? 'left';
  if (
    !Number.isInteger(length) ||
    length < 1 ||
    char.length !== 1 ||
    !['left', 'right'].includes(side)
  ) {
    need(
      env,
      node,
      'pad needs a length, one char and side left|right',
      'pad: { length: 12, char: "0" }',
    );
    return;
  }
  return {
    type: undefined,
    fn: eachString((s) => (side === 'left' ? s.padStart(length, char) : s.padEnd(length, char))),
  };
}

/** `concat: { parts: [$given, "' '", PID-5.1], separator: ' ' }` — parts after the current value. */
function concat(
  node: Node,
  arg: Node | undefined,
  env: TransformEnv,
): CompiledTransform | undefined {
  const partsNode = isMap(arg) ? valueNode(arg, 'parts') : arg;
  const separator = (isMap(arg) ? scalarString(valueNode(arg, 'separator')) : undefined) ?? '';
  if (!isSeq(partsNode)) {
    need(
      env,
      node,
      'concat needs a list of parts',
      "concat: { parts: [$a, PID-5.2], separator: ' ' }",
    );
    return;
  }
  const parts: Array<(s: EvalScope) => string[]> = [];
  for (const p of partsNode.items as Node[]) {
    const text = scalarString(p) ?? '';
    if (text.startsWith("'") && text.endsWith("'")) parts.push(() => [text.slice(1, -1)]);
    else if (text.startsWith('$')) {
      const ref = text.slice(1);
      if (!env.known.has(ref))
        env.issues.add(p, `$${ref} is not an earlier input`, 'inputs are computed in file order');
      parts.push((s) => toStrings(s.values[ref]));
    } else {
      try {
        const acc = compileAccessor(env.kind, text);
        parts.push((s) => acc.values(s.input).slice(0, 1));
      } catch (error) {
        if (!(error instanceof PathError)) throw error;
        env.issues.add(
          p,
          `bad path "${text}": ${error.message}`,
          'quote literal text as "\'text\'"',
          error.column - 1,
        );
      }
    }
  }
  return {
    type: 'string',
    fn: (v, s) =>
      [...toStrings(v).slice(0, 1), ...parts.flatMap((f) => f(s))]
        .filter((x) => x !== '')
        .join(separator),
  };
}

export function table(
  node: Node,
  arg: Node | undefined,
  env: TransformEnv,
): CompiledTransform | undefined {
  const name = scalarString(isMap(arg) ? valueNode(arg, 'name') : arg);
  if (name === undefined) {
    need(env, node, 'table needs a name', 'table: specialty');
    return;
  }
  let t = env.tables.get(name);
  if (t === undefined) {
    const loaded = loadTable(env.tablesDir, name);
    if (typeof loaded === 'string') {
      env.issues.add(arg ?? node, loaded, 'add the file to mappings/tables/ or fix the name');
      return undefined;
    }
    env.tables.set(name, (t = loaded));
  }
  const ruleText = isMap(arg) ? scalarString(valueNode(arg, 'unmapped')) : undefined;
  if (ruleText !== undefined && !['error', 'default', 'passthrough'].includes(ruleText)) {
    need(env, node, 'unmapped must be error, default or passthrough', 'unmapped: passthrough');
    return;
  }
  const rule = (ruleText ?? t.unmapped) as UnmappedRule;
  const fallback = (isMap(arg) ? scalarString(valueNode(arg, 'default')) : undefined) ?? t.default;
  if (rule === 'default' && fallback === undefined) {
    need(env, node, `table ${name}: rule default needs a default value`, 'default: ROUTINE');
    return;
  }
  const entries = t.entries;
  const lookup = (code: string, at: string): string => {
    const hit = entries.get(code);
    if (hit !== undefined) return hit;
    switch (rule) {
      case 'error':
        throw new EngineError(
          'MAP_UNMAPPED_CODE',
          `${at}: code "${code}" is not in table ${name}`,
          {
            at,
            context: { table: name },
          },
        );
      case 'default':
        return fallback ?? code;
      case 'passthrough':
        return code;
    }
  };
  return {
    type: 'string',
    lineage: `table:${name}`,
    fn: (v, s, at) => eachString((c) => lookup(c, at))(v, s, at),
  };
}

/** JSONata escape hatch: `$value` is the current value, `$inputs` the earlier logical inputs. */
export function expression(
  node: Node,
  arg: Node | undefined,
  env: TransformEnv,
): CompiledTransform | undefined {
  const text = scalarString(arg);
  if (text === undefined) {
    need(env, node, 'jsonata needs an expression', 'jsonata: "$uppercase($value)"');
    return;
  }
  try {
    const compiled = jsonata(text);
    return {
      type: undefined,
      lineage: 'jsonata',
      fn: async (v, s, at) => {
        try {
          return (await compiled.evaluate({}, { value: v, inputs: s.values })) as unknown;
        } catch (error) {
          throw new EngineError('MAP_EXPRESSION_FAILED', `${at}: ${(error as Error).message}`, {
            at,
          });
        }
      },
    };
  } catch (error) {
    const pos = (error as { position?: number }).position ?? 0;
    env.issues.add(
      arg,
      `JSONata syntax error: ${(error as Error).message}`,
      'see https://docs.jsonata.org',
      Math.max(pos - 1, 0),
    );
    return undefined;
  }
}
