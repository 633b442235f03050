import type { z } from 'zod';
import { operationInputSchema } from '../ers/operations/index.js';

/** Value types transforms produce; the compiler only uses them for lineage and docs. */
export const ValueType = {
  string: 'string',
  list: 'list',
  date: 'date',
  dateTime: 'dateTime',
  boolean: 'boolean',
  number: 'number',
  nhsNumber: 'nhsNumber',
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** How a produced value is shaped before the operation's schema checks it. */
export type InputShape = 'array' | 'number' | 'boolean' | 'scalar' | 'any';

export interface InputField {
  readonly schema: z.ZodType;
  readonly required: boolean;
  readonly shape: InputShape;
}

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
}

// zod 4 keeps its definition under `_zod.def`; reading it lets mappings follow the operation
// schemas of src/ers/operations/ without a second, hand-kept list of inputs.
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(s: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = s;
  let optional = false;
  for (;;) {
    const d = defOf(inner);
    if ((d.type === 'optional' || d.type === 'default') && d.innerType) {
      optional = true;
      inner = d.innerType;
    } else if (d.type === 'pipe' && d.in) inner = d.in;
    else return { inner, optional };
  }
}

function shapeOf(s: z.ZodType): InputShape {
  switch (defOf(s).type) {
    case 'array':
      return 'array';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'scalar';
  }
}

/** The logical inputs of an operation, or undefined when the operation is unknown. */
export function operationFields(operation: string): ReadonlyMap<string, InputField> | undefined {
  const schema = operationInputSchema(operation);
  if (schema === undefined) return undefined;
  let obj = schema;
  for (let d = defOf(obj); d.type === 'pipe' && d.in; d = defOf(obj)) obj = d.in;
  const shape = defOf(obj).shape ?? {};
  const fields = new Map<string, InputField>();
  for (const [name, field] of Object.entries(shape)) {
    const { inner, optional } = unwrap(field);
    fields.set(name, { schema: field, required: !optional, shape: shapeOf(inner) });
  }
  return fields;
}

/** Gives a produced value the shape the operation expects (one value vs a list, numbers). */
export function shapeValue(value: unknown, shape: InputShape): unknown {
  if (value === undefined) return undefined;
  switch (shape) {
    case 'array':
      return Array.isArray(value) ? value : [value];
    case 'number': {
      const v: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
      return typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    }
    case 'boolean': {
      const v: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
      if (v === 'true' || v === 'Y') return true;
      if (v === 'false' || v === 'N') return false;
      return v;
    }
    case 'any':
      return value;
    case 'scalar':
      return Array.isArray(value) ? value[0] : value;
  }
}
