import { z } from 'zod';
import type { Document } from 'yaml';
import { isNode, type Node } from 'yaml';
import type { IssueList } from './positions.js';

/** `{ path: MSH-9.1, equals: REF }`, `{ path: $priority, in: [URGENT] }`, or a condition string. */
export const ConditionSchema = z.union([
  z.string().min(1),
  z.strictObject({
    path: z.string().min(1),
    equals: z.union([z.string(), z.number()]).optional(),
    notEquals: z.union([z.string(), z.number()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).optional(),
    exists: z.boolean().optional(),
  }),
]);
export type ConditionSpec = z.infer<typeof ConditionSchema>;

const TableRefSchema = z.union([
  z.string(),
  z.strictObject({
    name: z.string(),
    unmapped: z.enum(['error', 'default', 'passthrough']).optional(),
    default: z.string().optional(),
  }),
]);

export const RuleSchema = z.strictObject({
  from: z.string().min(1).optional(),
  const: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
  transforms: z.array(z.unknown()).optional(),
  table: TableRefSchema.optional(),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  when: ConditionSchema.optional(),
  expr: z.string().min(1).optional(),
});

export const MappingFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and "-"'),
  description: z.string().optional(),
  input: z.enum(['hl7v2', 'csv', 'json', 'xml']),
  when: z.union([ConditionSchema, z.array(ConditionSchema)]).optional(),
  operation: z.string(),
  /** Segments or fields deliberately not read (kept out of the unread-field warnings). */
  ignore: z.array(z.string()).optional(),
  inputs: z.record(z.string(), z.union([z.string().min(1), RuleSchema])),
  reply: z
    .strictObject({
      fields: z.record(z.string(), z.string()).optional(),
      segments: z.array(z.string()).optional(),
    })
    .optional(),
});
export type MappingFile = z.infer<typeof MappingFileSchema>;

/** The file with rules left unchecked: each rule is checked on its own so one bad rule does not hide the others' problems. */
export const MappingTopSchema = MappingFileSchema.extend({
  inputs: z.record(z.string(), z.unknown()),
});
export type MappingTop = z.infer<typeof MappingTopSchema>;
export type RuleSpec = z.infer<typeof RuleSchema>;

/** Reports zod issues at the YAML node they concern (the nearest existing one). */
export function reportSchemaIssues(
  doc: Document,
  error: z.ZodError,
  issues: IssueList,
  prefix: readonly (string | number)[] = [],
): void {
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
        const keyNode = findKey(map, key);
        issues.add(keyNode ?? nodeAt(doc, path), `unknown key "${key}"`, hintFor(path));
      }
      continue;
    }
    const where = path.length === 0 ? 'file' : path.join('.');
    issues.add(nodeAt(doc, path), `${where}: ${issue.message}`, hintFor(path));
  }
}

function hintFor(path: readonly (string | number)[]): string {
  if (path.length === 0)
    return 'top-level keys: id, description, input, when, operation, ignore, inputs, reply';
  if (path[0] === 'inputs' && path.length >= 2)
    return 'a rule has from, const, transforms, table, required, default, when, expr';
  if (path[0] === 'reply') return 'reply has fields (e.g. MSA-3: "{{ers.ubrn}}") and segments';
  return 'see docs/mapping.md';
}

function findKey(map: unknown, key: string): Node | undefined {
  const items = (map as { items?: { key: unknown }[] } | undefined)?.items ?? [];
  for (const pair of items) {
    const k = pair.key as Node & { value?: unknown };
    if (isNode(k) && String(k.value) === key) return k;
  }
  return undefined;
}

function nodeAt(doc: Document, path: readonly (string | number)[]): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}
