import diff from 'microdiff';

/**
 * Structural differences between two JSON values as paths (`$.entry[0].resource.id`), so a removed
 * field reads as one change rather than the forty lines a line diff of pretty JSON gives. Used by
 * golden tests and mapping replay.
 */
export const JSON_CHANGE_KINDS = ['added', 'removed', 'changed'] as const;
export type JsonChangeKind = (typeof JSON_CHANGE_KINDS)[number];

export interface JsonChange {
  readonly path: string;
  readonly kind: JsonChangeKind;
  /** Absent for `added`. */
  readonly before?: unknown;
  /** Absent for `removed`. */
  readonly after?: unknown;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['entry', 0, 'resource']` → `$.entry[0].resource`; odd keys are quoted. */
export function jsonPath(parts: readonly (string | number)[]): string {
  return parts.reduce<string>((path, part) => {
    if (typeof part === 'number') return `${path}[${String(part)}]`;
    return IDENTIFIER.test(part) ? `${path}.${part}` : `${path}[${JSON.stringify(part)}]`;
  }, '$');
}

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] =>
  typeof value === 'object' && value !== null;

export function diffJson(before: unknown, after: unknown): JsonChange[] {
  if (!isContainer(before) || !isContainer(after) || Array.isArray(before) !== Array.isArray(after))
    return Object.is(before, after) ? [] : [{ path: '$', kind: 'changed', before, after }];
  return diff(before, after).map((change): JsonChange => {
    const path = jsonPath(change.path);
    switch (change.type) {
      case 'CREATE':
        return { path, kind: 'added', after: change.value };
      case 'REMOVE':
        return { path, kind: 'removed', before: change.oldValue };
      case 'CHANGE':
        return { path, kind: 'changed', before: change.oldValue, after: change.value };
    }
  });
}

const show = (value: unknown): string =>
  value === undefined ? 'undefined' : JSON.stringify(value);

/** One line per change, for a terminal or a test failure. */
export function formatJsonChanges(changes: readonly JsonChange[]): string {
  return changes
    .map((c) => {
      switch (c.kind) {
        case 'added':
          return `+ ${c.path}: ${show(c.after)}`;
        case 'removed':
          return `- ${c.path}: ${show(c.before)}`;
        case 'changed':
          return `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
      }
    })
    .join('\n');
}
