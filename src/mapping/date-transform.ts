import { isScalar, isSeq, type Node } from 'yaml';
import { EngineError } from '../core/errors.js';
import type { EvalScope } from './conditions.js';
import {
  dateFormatProblem,
  hl7ToFhirDate,
  hl7ToFhirDateTime,
  parseWithFormats,
  type DateOutput,
} from './dates.js';
import { scalarString } from './positions.js';
import type { CompiledTransform, TransformEnv } from './transforms.js';

/** Where a value is in the message, for errors: the field, and the CSV row when there is one. */
export function whereOf(at: string, scope: EvalScope): string {
  return scope.input.row === undefined ? at : `${at} (row ${scope.input.row})`;
}

/**
 * `{ date: 'dd/MM/yyyy' }` or `{ date: [dd/MM/yyyy, d/M/yyyy] }` (likewise `dateTime`): strict
 * luxon parsing with the listed formats, tried in order, in Europe/London time. The formats are
 * checked here, at compile time; a value none of them reads is MAP_INVALID_VALUE naming it.
 */
export function formattedDate(
  node: Node,
  arg: Node,
  env: TransformEnv,
  output: DateOutput,
): CompiledTransform | undefined {
  const items = isSeq(arg) ? (arg.items as Node[]) : [arg];
  const formats: string[] = [];
  for (const item of items) {
    const format = isScalar(item) ? scalarString(item) : undefined;
    if (format === undefined || format === '') {
      env.issues.add(item, `${output} needs its input formats as text`, `${output}: dd/MM/yyyy`);
      continue;
    }
    const problem = dateFormatProblem(format);
    if (problem !== undefined)
      env.issues.add(item, problem, 'luxon tokens: dd day, MM month, yyyy year, HH:mm time');
    else formats.push(format);
  }
  if (formats.length === 0 || formats.length !== items.length) {
    if (items.length === 0) env.issues.add(node, `${output} needs at least one format`);
    return undefined;
  }
  const one = (s: string, scope: EvalScope, at: string): string => {
    const r = parseWithFormats(s, formats, output);
    if ('value' in r) return r.value;
    throw new EngineError('MAP_INVALID_VALUE', `${whereOf(at, scope)}: ${r.problem}`, { at });
  };
  return {
    type: output,
    lineage: `${output}:${formats.join('|')}`,
    fn: (v, scope, at) => eachText(v, (x) => one(x, scope, at)),
  };
}

/** HL7 TS → FHIR date / dateTime (the transforms without formats; `as-sent` keeps the offset). */
export function hl7Date(output: DateOutput, asSent = false): CompiledTransform {
  const one = (x: string, at: string): string => {
    const r = output === 'date' ? hl7ToFhirDate(x) : hl7ToFhirDateTime(x, asSent);
    if (r !== undefined) return r;
    const what = output === 'date' ? 'an HL7 date' : 'an HL7 timestamp';
    throw new EngineError('MAP_INVALID_VALUE', `${at}: value is not ${what}`, { at });
  };
  return { type: output, fn: (v, _s, at) => eachText(v, (x) => one(x, at)) };
}

/** Applies `f` to a text value or to each text of a list; other values pass. */
function eachText(v: unknown, f: (s: string) => string): unknown {
  if (Array.isArray(v)) return (v as unknown[]).map((x) => (typeof x === 'string' ? f(x) : x));
  return typeof v === 'string' ? f(v) : v;
}
