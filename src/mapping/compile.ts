import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { EngineError } from '../engine/errors.js';
import { compileCondition, toStrings, type Condition } from './conditions.js';
import {
  MappingTopSchema,
  RuleSchema,
  type RuleSpec,
  reportSchemaIssues,
  type ConditionSpec,
  type MappingTop,
} from './file-schema.js';
import { compileAccessor, PathError, type InputAccessor, type InputKind } from './inputs.js';
import { operationFields, type InputShape } from './operations.js';
import { formatIssue, IssueList, mapNode, valueNode, type CompileIssue } from './positions.js';
import { compileReply, type CompiledReply } from './reply.js';
import type { LookupTable } from './tables.js';
import {
  compileTransform,
  expression,
  table,
  type CompiledTransform,
  type TransformEnv,
} from './transforms.js';

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
}

export interface CompiledMapping {
  readonly id: string;
  readonly file: string;
  /** sha256 of the mapping text and every table it uses. */
  readonly hash: string;
  readonly kind: InputKind;
  readonly operation: string;
  readonly when: readonly Condition[];
  readonly rules: readonly CompiledRule[];
  readonly ignore: readonly string[];
  readonly reply?: CompiledReply;
}

export type CompileResult =
  { ok: true; mapping: CompiledMapping } | { ok: false; issues: CompileIssue[] };

/** Reads and compiles one mapping file; tables come from `tables/` beside it. */
export function compileMappingFile(file: string): CompiledMapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EngineError('MAP_COMPILE_ERROR', `${file}: cannot read mapping file`, {
      cause: error,
    });
  }
  const result = compileMappingText(text, { file, tablesDir: join(dirname(file), 'tables') });
  if (result.ok) return result.mapping;
  throw new EngineError('MAP_COMPILE_ERROR', result.issues.map(formatIssue).join('\n'), {
    context: { file, issues: result.issues.length },
  });
}

export function compileMappingText(
  text: string,
  opts: { file: string; tablesDir: string },
): CompileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const issues = new IssueList(opts.file, lines);
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    issues.issues.push({
      file: opts.file,
      line,
      column: col,
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      hint: 'check indentation and quoting',
    });
  }
  if (issues.issues.length > 0) return { ok: false, issues: issues.issues };
  const js: unknown = doc.toJS();
  let parsed = MappingTopSchema.safeParse(js);
  if (!parsed.success) {
    reportSchemaIssues(doc, parsed.error, issues);
    // Unknown keys aside, the file may still be usable: go on to find its other problems.
    parsed = MappingTopSchema.loose().safeParse(js);
    if (!parsed.success) return { ok: false, issues: issues.issues };
  }
  const tables = new Map<string, LookupTable>();
  const mapping = build(parsed.data, doc, issues, {
    tablesDir: opts.tablesDir,
    tables,
    file: opts.file,
  });
  if (issues.issues.length > 0 || mapping === undefined) {
    const sorted = [...issues.issues].sort((x, y) => x.line - y.line || x.column - y.column);
    return { ok: false, issues: sorted };
  }
  const hash = createHash('sha256').update(text);
  for (const t of [...tables.values()].sort((a, b) => a.name.localeCompare(b.name)))
    hash.update(`\0${t.name}\0${t.text}`);
  return { ok: true, mapping: { ...mapping, hash: hash.digest('hex') } };
}

interface BuildEnv {
  readonly tablesDir: string;
  readonly tables: Map<string, LookupTable>;
  readonly file: string;
}

function build(
  m: MappingTop,
  doc: Document,
  issues: IssueList,
  env: BuildEnv,
): Omit<CompiledMapping, 'hash'> | undefined {
  const kind = m.input;
  const fields = operationFields(m.operation);
  if (fields === undefined)
    issues.add(
      doc.getIn(['operation'], true) as Node,
      `unknown operation "${m.operation}"`,
      'one of A005, A011, A012, A013, A014, A020, A021',
    );
  const whenNode = doc.getIn(['when'], true) as Node | undefined;
  const whenSpecs = m.when === undefined ? [] : Array.isArray(m.when) ? m.when : [m.when];
  const whenNodes = isSeq(whenNode) ? (whenNode.items as Node[]) : [whenNode];
  const when = whenSpecs.map((c, i) =>
    condition(kind, c, whenNodes[i] ?? whenNode, new Set(), issues),
  );
  const inputsNode = mapNode(doc.getIn(['inputs'], true));
  const known = new Set<string>();
  const rules: CompiledRule[] = [];
  for (const [name, raw] of Object.entries(m.inputs)) {
    const checked = typeof raw === 'string' && raw !== '' ? undefined : RuleSchema.safeParse(raw);
    if (checked && !checked.success) {
      reportSchemaIssues(doc, checked.error, issues, ['inputs', name]);
      known.add(name);
      continue;
    }
    const spec: RuleSpec = checked ? checked.data : { from: raw as string };
    const ruleNode = inputsNode && (valueNode(inputsNode, name) as Node);
    const keyNode = inputsNode?.items.find((p) => (p.key as { value?: unknown }).value === name)
      ?.key as Node | undefined;
    const field = fields?.get(name);
    if (fields !== undefined && field === undefined && !name.startsWith('_'))
      issues.add(
        keyNode,
        `operation ${m.operation} has no logical input "${name}"`,
        `inputs: ${[...fields.keys()].join(', ')}`,
      );
    const rule = compileRule(name, spec, ruleNode, {
      kind,
      issues,
      known,
      shape: field?.shape ?? (name.startsWith('_') ? 'any' : 'scalar'),
      tables: env.tables,
      tablesDir: env.tablesDir,
    });
    if (rule && field && rule.constValue !== undefined) {
      const check = field.schema.safeParse(rule.constValue);
      if (!check.success)
        issues.add(
          isMap(ruleNode) ? valueNode(ruleNode, 'const') : ruleNode,
          `const of ${name} does not fit ${m.operation}: ${check.error.issues[0]?.message}`,
          'check the operation inputs in docs/mapping.md',
        );
    }
    if (rule) rules.push(rule);
    known.add(name);
  }
  for (const [name, f] of fields ?? []) {
    if (f.required && !known.has(name))
      issues.add(
        keyOf(doc, 'inputs'),
        `operation ${m.operation} needs the logical input "${name}"`,
        `add a rule: ${name}: { from: … }`,
      );
  }
  const reply = m.reply === undefined ? undefined : compileReply(m.reply, doc, issues);
  if (fields === undefined) return undefined;
  return {
    id: m.id,
    file: env.file,
    kind,
    operation: m.operation,
    when,
    rules,
    ignore: m.ignore ?? [],
    ...(reply ? { reply } : {}),
  };
}

function keyOf(doc: Document, key: string): Node | undefined {
  const root = mapNode(doc.contents);
  return root?.items.find((p) => (p.key as { value?: unknown }).value === key)?.key as
    Node | undefined;
}

interface RuleEnv {
  readonly kind: InputKind;
  readonly issues: IssueList;
  readonly known: ReadonlySet<string>;
  readonly shape: InputShape;
  readonly tables: Map<string, LookupTable>;
  readonly tablesDir: string;
}

function compileRule(
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
      ? `input:$${ref}`
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

function condition(
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
