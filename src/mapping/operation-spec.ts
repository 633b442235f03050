import { z } from 'zod';
import { operationInputSchema } from '../ers/operations/index.js';
import { EXTRA_OPERATION_SCHEMAS } from './operations-extra.js';
import type { InputShape } from './operations.js';

export interface OperationField {
  readonly schema: z.ZodType;
  readonly required: boolean;
  readonly shape: InputShape;
}

/** The zod schema of an operation's logical inputs: the e-RS registry first, then ours. */
export function operationSchema(operation: string): z.ZodType | undefined {
  return operationInputSchema(operation) ?? EXTRA_OPERATION_SCHEMAS[operation];
}

export function knownOperations(): string[] {
  const ids = [
    'A005',
    'A008',
    'A011',
    'A012',
    'A013',
    'A014',
    'A016',
    'A020',
    'A021',
    'A022',
    'forward',
  ];
  return ids.filter((id) => operationSchema(id) !== undefined);
}

function inner(s: z.ZodType): { t: z.ZodType; optional: boolean } {
  let t = s;
  let optional = false;
  for (;;) {
    if (t instanceof z.ZodOptional || t instanceof z.ZodDefault) {
      optional = true;
      t = t.unwrap() as z.ZodType;
    } else if (t instanceof z.ZodPipe) t = t.in as z.ZodType;
    else return { t, optional };
  }
}

/** The operation's inputs by name, from its object schema (zod public API only). */
export function operationFieldsOf(
  operation: string,
): ReadonlyMap<string, OperationField> | undefined {
  const schema = operationSchema(operation);
  if (schema === undefined) return undefined;
  const obj = inner(schema).t;
  const shape = obj instanceof z.ZodObject ? (obj.shape as Record<string, z.ZodType>) : {};
  const fields = new Map<string, OperationField>();
  for (const [name, field] of Object.entries(shape)) {
    const { t, optional } = inner(field);
    const kind: InputShape =
      t instanceof z.ZodArray
        ? 'array'
        : t instanceof z.ZodNumber
          ? 'number'
          : t instanceof z.ZodBoolean
            ? 'boolean'
            : 'scalar';
    fields.set(name, { schema: field, required: !optional, shape: kind });
  }
  return fields;
}
