import { nearestWord } from './positions.js';

/**
 * JSONata's built-in functions (https://docs.jsonata.org, jsonata 2.x); a test checks that each
 * one is a function in the installed version, so the list cannot name one that does not exist.
 */
export const JSONATA_FUNCTIONS = [
  'abs',
  'append',
  'assert',
  'average',
  'base64decode',
  'base64encode',
  'boolean',
  'ceil',
  'clone',
  'contains',
  'count',
  'decodeUrl',
  'decodeUrlComponent',
  'distinct',
  'each',
  'encodeUrl',
  'encodeUrlComponent',
  'error',
  'eval',
  'exists',
  'filter',
  'floor',
  'formatBase',
  'formatInteger',
  'formatNumber',
  'fromMillis',
  'join',
  'keys',
  'length',
  'lookup',
  'lowercase',
  'map',
  'match',
  'max',
  'merge',
  'millis',
  'min',
  'not',
  'now',
  'number',
  'pad',
  'parseInteger',
  'power',
  'random',
  'reduce',
  'replace',
  'reverse',
  'round',
  'shuffle',
  'sift',
  'single',
  'sort',
  'split',
  'spread',
  'sqrt',
  'string',
  'substring',
  'substringAfter',
  'substringBefore',
  'sum',
  'toMillis',
  'trim',
  'type',
  'uppercase',
  'zip',
] as const;

/** The variables a mapping expression is given (transforms.ts `expression`). */
export const JSONATA_VARIABLES = ['value', 'inputs'] as const;

/** A name the expression uses that nothing defines; `offset` is 0-based in the expression. */
export interface UnknownName {
  readonly message: string;
  readonly hint: string;
  readonly offset: number;
}

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly procedure?: AstNode;
  readonly focus?: unknown;
  readonly index?: unknown;
  readonly lhs?: AstNode;
  readonly arguments?: readonly AstNode[];
}

/** Every AST node below `node` (JSONata nests them under many different keys). */
function nodes(node: unknown, out: AstNode[] = []): AstNode[] {
  if (Array.isArray(node)) for (const n of node) nodes(n, out);
  else if (node !== null && typeof node === 'object') {
    out.push(node);
    for (const v of Object.values(node)) if (typeof v === 'object') nodes(v, out);
  }
  return out;
}

/**
 * Pure: the function calls and variables of a compiled expression's AST that name nothing — not
 * a built-in, not `$value`/`$inputs`, not bound in the expression (`$f := …`, a lambda's
 * parameters, `@$x`, `#$i`). JSONata itself reports them only when the message runs.
 */
export function unknownNames(ast: unknown): UnknownName[] {
  const all = nodes(ast);
  const bound = new Set<string>(['', '$', ...JSONATA_VARIABLES]);
  for (const n of all) {
    if (n.type === 'bind' && n.lhs?.type === 'variable') bound.add(String(n.lhs.value));
    if (n.type === 'lambda')
      for (const a of n.arguments ?? []) if (a.type === 'variable') bound.add(String(a.value));
    if (typeof n.focus === 'string') bound.add(n.focus);
    if (typeof n.index === 'string') bound.add(n.index);
  }
  const functions = new Set<string>(JSONATA_FUNCTIONS);
  const procedures = new Set(all.flatMap((n) => (n.procedure ? [n.procedure] : [])));
  const out: UnknownName[] = [];
  for (const n of all) {
    if (n.type !== 'variable') continue;
    const name = String(n.value);
    if (bound.has(name)) continue;
    const offset = Math.max((n.position ?? 0) - name.length - 1, 0);
    if (procedures.has(n)) {
      if (functions.has(name)) continue;
      const near = nearestWord(name, [...JSONATA_FUNCTIONS, ...bound]);
      out.push({
        message: `unknown JSONata function $${name}`,
        hint: near ? `did you mean $${near}?` : 'see https://docs.jsonata.org for the functions',
        offset,
      });
    } else if (!functions.has(name)) {
      const near = nearestWord(
        name,
        [...bound].filter((b) => b.length > 1),
      );
      out.push({
        message: `unknown variable $${name}`,
        hint: near
          ? `did you mean $${near}?`
          : "$value is the rule's value, $inputs the earlier inputs",
        offset,
      });
    }
  }
  return out;
}
