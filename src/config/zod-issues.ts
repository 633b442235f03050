import type { z } from 'zod';
import type { ConfigIssue, YamlSource } from './yaml-source.js';

/** Turns zod issues into `file:line: path reason` issues, prefixing a path for plugin slices. */
export function zodIssues(
  error: z.ZodError,
  source: YamlSource,
  prefix: readonly PropertyKey[] = [],
): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    // An unknown key is best shown on its own line, not its parent's.
    const at =
      issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined
        ? [...path, issue.keys[0]]
        : path;
    return {
      file: source.displayPath,
      line: source.lineOf(at),
      path: path.map(String).join('.'),
      message: describeIssue(issue),
    };
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} item(s)`
        : `must be at least ${String(issue.minimum)}`;
    case 'invalid_type':
      return issue.message.includes('received undefined')
        ? 'is required'
        : `must be ${issue.expected}`;
    default:
      return issue.message;
  }
}
