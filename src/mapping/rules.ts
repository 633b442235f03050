import { isMap, isSeq, type Node } from 'yaml';
import { compileCondition, toStrings, type Condition } from './conditions.js';
import type { ConditionSpec, RuleSpec } from './file-schema.js';
import { compileAccessor, PathError, type InputAccessor, type InputKind } from './inputs.js';
import type { InputShape } from './operations.js';
import { mapNode, valueNode, type IssueList } from './positions.js';
import type { LookupTable } from './tables.js';
import {
  compileTransform,
  expression,
  table,
  type CompiledTransform,
  type TransformEnv,
} from './transforms.js';

/** One logical input's rule, compiled once: accessor, condition and transform steps. */
export interface CompiledRule {
  readonly name: string;
  readonly from?: InputAccessor;
  /** `from: $name`: an earlier logical input or `_helper`. */
  readonly ref?: string;
  readonly constValue?: unknown;
  readonly when?: Condition;
  readonly steps: readonly CompiledTransform[];
  readonly required: boolean;
  readonly defaultValue?: unknown;
  readonly shape: InputShape;
  /** Where the value comes from: `hl7:PID-3[CX.5=NH].1`, `const`, `jsonata`. */
  readonly origin: string;
  /** The origin and each step's lineage (`hl7v2:RF1-2.1 → table:priority`), built once. */
  readonly lineage: string;
  /** `mappings/x.yaml:14:3`, the rule in its file: runtime errors of the rule name it. */
  readonly location?: string;
}

export interface RuleEnv {
  readonly kind: InputKind;
  readonly issues: IssueList;
  readonly known: ReadonlySet<string>;
  readonly shape: InputShape;
  readonly tables: Map<string, LookupTable>;
  readonly tablesDir: string;
  /** Where the rule starts in its file (`file:line:col`), kept for runtime errors. */
  readonly location?: string;
}

export function compileRule(
  name: string,
  spec: RuleSpec,
  node: Node | undefined,
  env: RuleEnv,
): CompiledRule | undefined {
  const { issues } = env;
  const map = mapNode(node);
  const at = (key: string): Node | undefined => (map ? valueNode(map, key) : node);
  if (
    spec.from === undefined &&
    spec.const === undefined &&
    spec.expr === undefined &&
    spec.default === undefined
  ) {
    issues.add(node, `input "${name}" has no source`, 'give it from, const, expr or default');
    return undefined;
  }
  if (spec.from !== undefined && spec.const !== undefined)
    issues.add(at('const'), `input "${name}" has both from and const`, 'keep one');
  let from: InputAccessor | undefined;
  let ref: string | undefined;
  if (spec.from?.startsWith('$')) {
    ref = spec.from.slice(1);
    if (!env.known.has(ref))
      issues.add(
        at('from'),
        `${spec.from} is not an earlier input`,
        'inputs are computed in file order',
      );
  } else if (spec.from !== undefined) from = accessor(env.kind, spec.from, at('from'), issues);
  const tenv: TransformEnv = {
    issues,
    kind: env.kind,
    tablesDir: env.tablesDir,
    tables: env.tables,
    known: env.known,
  };
  const steps: CompiledTransform[] = [];
  const tNode = at('transforms');
  const tItems = isSeq(tNode) ? (tNode.items as Node[]) : [];
  for (const t of tItems) {
    const c = compileTransform(t, tenv);
    if (c) steps.push(c);
  }
  if (spec.table !== undefined) {
    const c = table(
      map
        ? (map.items.find((p) => (p.key as { value?: unknown }).value === 'table')?.key as Node)
        : (node as Node),
      at('table'),
      tenv,
    );
    if (c) steps.push(c);
  }
  if (spec.expr !== undefined) {
    const c = expression(at('expr') as Node, at('expr'), tenv);
    if (c) steps.push(c);
  }
  const when =
    spec.when === undefined
      ? undefined
      : condition(env.kind, spec.when, at('when'), env.known, issues);
  const origin = from
    ? `${env.kind}:${spec.from}`
    : ref !== undefined
      ? ref.startsWith('ers.')
        ? `ers:${ref.slice(4)}`
        : `input:$${ref}`
      : spec.const !== undefined
        ? 'const'
        : spec.expr !== undefined
          ? 'jsonata'
          : 'default';
  return {
    name,
    ...(from ? { from } : {}),
    ...(ref === undefined ? {} : { ref }),
    ...(spec.const !== undefined ? { constValue: spec.const } : {}),
    ...(when ? { when } : {}),
    steps,
    required: spec.required ?? false,
    ...(spec.default !== undefined ? { defaultValue: spec.default } : {}),
    shape: env.shape,
    origin,
    lineage: [origin, ...steps.flatMap((st) => (st.lineage ? [st.lineage] : []))].join(' → '),
    ...(env.location === undefined ? {} : { location: env.location }),
  };
}

function accessor(
  kind: InputKind,
  expr: string,
  node: Node | undefined,
  issues: IssueList,
): InputAccessor | undefined {
  try {
    return compileAccessor(kind, expr);
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    issues.add(
      node,
      `bad ${kind} path "${expr}": ${error.message}`,
      kind === 'hl7v2' ? 'e.g. PID-3[CX.5=NH].1, OBX[*]-5' : 'see docs/mapping.md',
      error.column - 1,
    );
    return undefined;
  }
}

export function condition(
  kind: InputKind,
  spec: ConditionSpec,
  node: Node | undefined,
  known: ReadonlySet<string>,
  issues: IssueList,
): Condition {
  const never: Condition = () => false;
  if (typeof spec === 'string') {
    try {
      return compileCondition(kind, spec, known);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      issues.add(
        node,
        `bad condition: ${error.message}`,
        'e.g. MSH-9.1 = REF and MSH-9.2 = I12',
        error.column - 1,
      );
      return never;
    }
  }
  const pathNode = isMap(node) ? valueNode(node, 'path') : node;
  let read: ((s: Parameters<Condition>[0]) => string[]) | undefined;
  if (spec.path.startsWith('$')) {
    const ref = spec.path.slice(1);
    if (!known.has(ref))
      issues.add(pathNode, `$${ref} is not an earlier input`, 'inputs are computed in file order');
    read = (s) => toStrings(s.values[ref]);
  } else {
    const acc = accessor(kind, spec.path, pathNode, issues);
    if (acc) read = (s) => acc.values(s.input);
  }
  if (read === undefined) return never;
  const r = read;
  const tests: Array<(v: string[]) => boolean> = [];
  if (spec.equals !== undefined) tests.push((v) => v.includes(String(spec.equals)));
  if (spec.notEquals !== undefined) tests.push((v) => !v.includes(String(spec.notEquals)));
  if (spec.in !== undefined) {
    const list = spec.in.map(String);
    tests.push((v) => v.some((x) => list.includes(x)));
  }
  if (spec.exists !== undefined) tests.push((v) => v.length > 0 === spec.exists);
  if (tests.length === 0)
    issues.add(
      node,
      'condition needs equals, notEquals, in or exists',
      '{ path: MSH-9.1, equals: REF }',
    );
  return (s) => {
    const v = r(s);
    return tests.every((t) => t(v));
  };
}
