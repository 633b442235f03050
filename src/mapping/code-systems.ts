import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { DYNAMIC_CODE_SYSTEMS, type DynamicCodeSystem } from '../ers/systems.js';
import type { InputField } from './operations.js';

/** The codes one logical input accepts, and where that list comes from (for messages). */
export interface CodeSystem {
  /** `priority (A021 schema)` or `CLINIC-TYPE (A004 reference data)`. */
  readonly name: string;
  readonly codes: ReadonlySet<string>;
  /** Where a site adds codes its e-RS environment serves (reference data only). */
  readonly extend?: string;
}

/**
 * Inputs that carry a code of one of e-RS's dynamic code systems (A004). The operation builders
 * send them under `{base}/STU3/CodeSystem/<ID>` (src/ers/operations: shortlist, a014, a034, a036).
 */
const BY_INPUT: Readonly<Record<string, DynamicCodeSystem>> = {
  specialty: 'SPECIALTY',
  clinicType: 'CLINIC-TYPE',
};
const BY_OPERATION_INPUT: Readonly<Record<string, DynamicCodeSystem>> = {
  'A014.reason': 'APPOINTMENT-CANCELLATION-REASON',
  'A034.reason': 'APPOINTMENT-CANCELLATION-REASON',
  'A036.reason': 'REFERRAL-CANCELLATION-REASON',
};

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly unknown[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The enum (or literal) values of a field's schema, through optional/default/array wrappers. */
export function enumValues(schema: z.ZodType): string[] | undefined {
  let s = schema;
  for (let depth = 0; depth < 8; depth++) {
    const d = defOf(s);
    switch (d.type) {
      case 'optional':
      case 'default':
      case 'nullable':
        if (d.innerType === undefined) return undefined;
        s = d.innerType;
        continue;
      case 'pipe':
        if (d.in === undefined) return undefined;
        s = d.in;
        continue;
      case 'array':
        if (d.element === undefined) return undefined;
        s = d.element;
        continue;
      case 'enum':
        return Object.values(d.entries ?? {}).map(String);
      case 'literal':
        return (d.values ?? []).map(String);
      default:
        return undefined;
    }
  }
  return undefined;
}

let shipped: Readonly<Record<string, readonly string[]>> | undefined;
/** src/mapping/reference/codes.json: the sandbox's A004 answers and NHS's A004 examples. */
function shippedCodes(): Readonly<Record<string, readonly string[]>> {
  shipped ??= JSON.parse(
    readFileSync(new URL('./reference/codes.json', import.meta.url), 'utf8'),
  ) as Record<string, string[]>;
  return shipped;
}

/** A site's own reference data: a CodeSystem as A004 answers it, or a JSON list of codes. */
function siteCodes(file: string): string[] {
  if (!existsSync(file)) return [];
  const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (Array.isArray(json)) return json.map(String);
  const concepts = (json as { concept?: { code?: unknown }[] }).concept ?? [];
  return concepts.flatMap((c) => (typeof c.code === 'string' ? [c.code] : []));
}

/**
 * The code system a logical input feeds, or undefined when it takes free text or ids. Enums of
 * the operation's input schema come first (priority, deferReason…); then A004 reference data,
 * extended by `<referenceDir>/<ID>.json` when the site has one.
 */
export function codeSystemOf(opts: {
  readonly operation: string;
  readonly input: string;
  readonly field: InputField;
  readonly referenceDir: string;
}): CodeSystem | undefined {
  const values = enumValues(opts.field.schema);
  if (values !== undefined)
    return { name: `${opts.input} (${opts.operation} schema)`, codes: new Set(values) };
  const type = BY_OPERATION_INPUT[`${opts.operation}.${opts.input}`] ?? BY_INPUT[opts.input];
  if (type === undefined || !(DYNAMIC_CODE_SYSTEMS as readonly string[]).includes(type))
    return undefined;
  const file = join(opts.referenceDir, `${type}.json`);
  return {
    name: `${type} (A004 reference data)`,
    codes: new Set([...(shippedCodes()[type] ?? []), ...siteCodes(file)]),
    extend: file,
  };
}
