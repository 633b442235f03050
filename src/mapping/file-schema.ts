import { z } from 'zod';
import type { Document } from 'yaml';
import { isNode, type Node } from 'yaml';
import type { IssueList } from './positions.js';
import { FilterSchema } from './filter.js';

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

/**
 * Inputs e-RS itself supplies just before the call (read by the ers destination), unless the
 * message already carries them: `version: A005` reads the referral's current version when the
 * input `version` is absent; `slot` picks a free slot of `serviceId` from A015 when the input
 * `slotId` is absent.
 */
export const ResolveSchema = z.strictObject({
  version: z.literal('A005').optional(),
  /**
   * A012 replaces the referral's whole set of referrer letters: `keep` reads the current letters
   * (A005) and sends them with the new `files`; `replace` detaches the others on purpose.
   */
  letters: z.enum(['keep', 'replace']).optional(),
  slot: z
    .strictObject({
      from: z.literal('A015'),
      /** `same-start`: the free slot starting when the PAS booked; `earliest`: the first free one. */
      rule: z.enum(['same-start', 'earliest']),
      /** Slots a page (A015 `_count`, 1–100): NHS's sandbox answers 20 (and 5 for its paging examples). */
      pageSize: z.number().int().min(1).max(100).default(20),
      /** Pages read at most before giving up (each is one A015 call). */
      maxPages: z.number().int().min(1).max(20).default(5),
    })
    .optional(),
});
export type ResolveSpec = z.infer<typeof ResolveSchema>;

/** A second operation run after the first succeeded (its own destination in the channel). */
export const ThenSchema = z.strictObject({
  operation: z.string(),
  resolve: ResolveSchema.optional(),
  inputs: z.record(z.string(), z.unknown()),
});
export type ThenSpec = z.infer<typeof ThenSchema>;

export const MappingFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and "-"'),
  description: z.string().optional(),
  input: z.enum(['hl7v2', 'csv', 'json', 'xml']),
  when: z.union([ConditionSchema, z.array(ConditionSchema)]).optional(),
  /** Messages this mapping applies to (`when`) but that are left out: FILTERED, answered AA. */
  filter: FilterSchema.optional(),
  operation: z.string(),
  /** Segments or fields deliberately not read (kept out of the unread-field warnings). */
  ignore: z.array(z.string()).optional(),
  inputs: z.record(z.string(), z.union([z.string().min(1), RuleSchema])),
  resolve: ResolveSchema.optional(),
  then: ThenSchema.optional(),
  reply: z
    .strictObject({
      fields: z.record(z.string(), z.string()).optional(),
      segments: z.array(z.string()).optional(),
      /** A whole HL7 message per item of the e-RS answer (e.g. a REF^I12 per worklist entry). */
      outbound: z
        .strictObject({
          /** Where the items are in the e-RS answer: `entry` of a List or Bundle. */
          each: z.literal('entry'),
          /** Segment templates; `{{item.<name>}}` reads the item, `{{now}}` / `{{controlId}}`. */
          segments: z.array(z.string()).min(1),
          /** Checkpoint key suffix: an item already sent under this key is not sent again. */
          once: z.literal('ubrn').optional(),
        })
        .optional(),
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
    return 'top-level keys: id, description, input, when, filter, operation, ignore, inputs, resolve, then, reply';
  if ((path[0] === 'inputs' && path.length >= 2) || (path[0] === 'then' && path[1] === 'inputs'))
    return 'a rule has from, const, transforms, table, required, default, when, expr';
  if (path[0] === 'resolve' || (path[0] === 'then' && path[1] === 'resolve'))
    return 'resolve has version: A005, letters: keep | replace and slot: { from: A015, rule: same-start | earliest }';
  if (path[0] === 'filter')
    return 'filter has drop: <condition> and/or keep: <condition>, and reason';
  if (path[0] === 'then') return 'then has operation, resolve and inputs';
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
