import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { EngineError } from '../core/errors.js';
import { OPERATIONS } from '../ers/operations/index.js';
import {
  MappingTopSchema,
  RuleSchema,
  type RuleSpec,
  reportSchemaIssues,
  type MappingTop,
} from './file-schema.js';
import type { Condition } from './conditions.js';
import { compiledFilter, type CompiledFilter } from './filter.js';
import type { InputKind } from './inputs.js';
import { operationFields, type InputField } from './operations.js';
import { formatIssue, IssueList, mapNode, valueNode, type CompileIssue } from './positions.js';
import { checkTableCodes } from './code-checks.js';
import { asIssue } from './positions.js';
import { compileReply, type CompiledReply } from './reply.js';
import { compileResolve, type CompiledResolve } from './resolve.js';
import { compileRule, condition, type CompiledRule } from './rules.js';
import type { LookupTable } from './tables.js';

export type { CompiledRule } from './rules.js';

export interface CompiledMapping {
  readonly id: string;
  readonly file: string;
  /** sha256 of the mapping text and every table it uses. */
  readonly hash: string;
  /** What the hash covers, kept so the store can record this version (mapping history). */
  /** Table files by file name (`priority.yaml`, `specialty.csv`). */
  readonly source: { readonly text: string; readonly tables: Readonly<Record<string, string>> };
  readonly kind: InputKind;
  readonly operation: string;
  readonly when: readonly Condition[];
  /** Messages `when` selects but that are left out (FILTERED, not ERROR). */
  readonly filter?: CompiledFilter;
  readonly rules: readonly CompiledRule[];
  readonly ignore: readonly string[];
  /** Inputs e-RS supplies just before the call (version, slot). */
  readonly resolve?: CompiledResolve;
  /** A second operation after the first succeeded (e.g. A012 link after an A020 upload). */
  readonly then?: CompiledThen;
  readonly reply?: CompiledReply;
}

export interface CompiledThen {
  readonly operation: string;
  /** Rules read the message, `$<first input>` and `$ers.<output>` of the first operation. */
  readonly rules: readonly CompiledRule[];
  readonly resolve?: CompiledResolve;
}

/** What the first operation's answer offers a `then` step (`$ers.attachmentUrl`). */
export const ERS_OUTPUT_NAMES = ['ubrn', 'version', 'attachmentUrl', 'fileName'] as const;

export type CompileResult =
  { ok: true; mapping: CompiledMapping } | { ok: false; issues: CompileIssue[] };

/**
 * Reads and compiles one mapping file; tables come from `tables/` beside it unless `tablesDir`
 * says where (a candidate copy kept outside mappings/ uses the deployed tables).
 */
export function compileMappingFile(
  file: string,
  opts: { tablesDir?: string } = {},
): CompiledMapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EngineError('MAP_COMPILE_ERROR', `${file}: cannot read mapping file`, {
      cause: error,
      issues: [
        { code: 'MAP_COMPILE_ERROR', message: 'cannot read mapping file', location: { file } },
      ],
    });
  }
  const tablesDir = opts.tablesDir ?? join(dirname(file), 'tables');
  const result = compileMappingText(text, { file, tablesDir });
  if (result.ok) return result.mapping;
  throw new EngineError('MAP_COMPILE_ERROR', result.issues.map(formatIssue).join('\n'), {
    context: { file, issues: result.issues.length },
    issues: result.issues.map(asIssue),
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
  if (issues.issues.length > 0 || mapping === undefined)
    return { ok: false, issues: sortIssues(issues.issues, opts.file) };
  const hash = createHash('sha256').update(text);
  const used = [...tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const t of used) hash.update(`\0${t.name}\0${t.text}`);
  const source = { text, tables: Object.fromEntries(used.map((t) => [basename(t.file), t.text])) };
  return { ok: true, mapping: { ...mapping, hash: hash.digest('hex'), source } };
}

/** The mapping file's problems first, then each table's; by line; one line per problem. */
function sortIssues(list: readonly CompileIssue[], file: string): CompileIssue[] {
  const seen = new Set<string>();
  const unique = list.filter((i) => {
    const key = formatIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (i: CompileIssue): string => (i.file === file ? '' : i.file);
  return unique.sort(
    (x, y) => rank(x).localeCompare(rank(y)) || x.line - y.line || x.column - y.column,
  );
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
): Omit<CompiledMapping, 'hash' | 'source'> | undefined {
  const kind = m.input;
  const fields = operationFields(m.operation);
  if (fields === undefined) unknownOperation(doc, ['operation'], m.operation, issues);
  const whenNode = doc.getIn(['when'], true) as Node | undefined;
  const whenSpecs = m.when === undefined ? [] : Array.isArray(m.when) ? m.when : [m.when];
  const whenNodes = isSeq(whenNode) ? (whenNode.items as Node[]) : [whenNode];
  const when = whenSpecs.map((c, i) =>
    condition(kind, c, whenNodes[i] ?? whenNode, new Set(), issues),
  );
  const filter = compileMappingFilter(m, doc, issues);
  const main = compileInputs(
    {
      inputs: m.inputs,
      path: ['inputs'],
      operation: m.operation,
      fields,
      resolve: m.resolve,
      known: new Set(),
    },
    doc,
    issues,
    { ...env, kind },
  );
  let then: CompiledThen | undefined;
  if (m.then !== undefined) {
    const thenFields = operationFields(m.then.operation);
    if (thenFields === undefined)
      unknownOperation(doc, ['then', 'operation'], m.then.operation, issues);
    const known = new Set([
      ...Object.keys(m.inputs),
      ...(main.resolve?.names ?? []),
      ...ERS_OUTPUT_NAMES.map((n) => `ers.${n}`),
    ]);
    const t = compileInputs(
      {
        inputs: m.then.inputs,
        path: ['then', 'inputs'],
        operation: m.then.operation,
        fields: thenFields,
        resolve: m.then.resolve,
        known,
      },
      doc,
      issues,
      { ...env, kind },
    );
    then = {
      operation: m.then.operation,
      rules: t.rules,
      ...(t.resolve ? { resolve: t.resolve } : {}),
    };
  }
  // A reply reads the stored logical inputs: the rules' (not `_helpers`), resolved ones and the
  // operation's own defaults.
  const inputNames = [
    ...new Set([
      ...main.rules.map((r) => r.name).filter((n) => !n.startsWith('_')),
      ...(main.resolve?.names ?? []),
      ...(fields?.keys() ?? []),
    ]),
  ];
  const reply = m.reply === undefined ? undefined : compileReply(m.reply, doc, issues, inputNames);
  if (fields === undefined) return undefined;
  return {
    id: m.id,
    file: env.file,
    kind,
    operation: m.operation,
    when,
    ...(filter ? { filter } : {}),
    rules: main.rules,
    ignore: m.ignore ?? [],
    ...(main.resolve ? { resolve: main.resolve } : {}),
    ...(then ? { then } : {}),
    ...(reply ? { reply } : {}),
  };
}

/** The filter's conditions read the message only (they run before any rule). */
function compileMappingFilter(
  m: MappingTop,
  doc: Document,
  issues: IssueList,
): CompiledFilter | undefined {
  if (m.filter === undefined) return undefined;
  const at = (key: 'drop' | 'keep'): Condition | undefined => {
    const text = m.filter?.[key];
    if (text === undefined) return undefined;
    return condition(m.input, text, doc.getIn(['filter', key], true) as Node, new Set(), issues);
  };
  const drop = at('drop');
  const keep = at('keep');
  return compiledFilter(
    m.filter,
    { ...(drop ? { drop } : {}), ...(keep ? { keep } : {}) },
    `mapping ${m.id}`,
  );
}

function unknownOperation(
  doc: Document,
  path: readonly string[],
  operation: string,
  issues: IssueList,
): void {
  issues.add(
    doc.getIn(path, true) as Node,
    `unknown operation "${operation}"`,
    `one of ${Object.keys(OPERATIONS).join(', ')}`,
  );
}

interface InputsSpec {
  readonly inputs: Record<string, unknown>;
  /** Where the inputs map is in the file: ['inputs'] or ['then', 'inputs']. */
  readonly path: readonly string[];
  readonly operation: string;
  readonly fields: ReadonlyMap<string, InputField> | undefined;
  readonly resolve: MappingTop['resolve'];
  /** Names rules may read with `$name` before any rule of this section ran. */
  readonly known: Set<string>;
}

/** The rules of one operation's inputs, checked against the operation's logical inputs. */
function compileInputs(
  spec: InputsSpec,
  doc: Document,
  issues: IssueList,
  env: BuildEnv & { readonly kind: InputKind },
): { rules: CompiledRule[]; resolve: CompiledResolve | undefined } {
  const { fields, operation, known } = spec;
  const inputsNode = mapNode(doc.getIn(spec.path, true));
  const rules: CompiledRule[] = [];
  for (const [name, raw] of Object.entries(spec.inputs)) {
    const checked = typeof raw === 'string' && raw !== '' ? undefined : RuleSchema.safeParse(raw);
    if (checked && !checked.success) {
      reportSchemaIssues(doc, checked.error, issues, [...spec.path, name]);
      known.add(name);
      continue;
    }
    const ruleSpec: RuleSpec = checked ? checked.data : { from: raw as string };
    const ruleNode = inputsNode && (valueNode(inputsNode, name) as Node);
    const keyNode = inputsNode?.items.find((p) => (p.key as { value?: unknown }).value === name)
      ?.key as Node | undefined;
    const field = fields?.get(name);
    if (fields !== undefined && field === undefined && !name.startsWith('_'))
      issues.add(
        keyNode,
        `operation ${operation} has no logical input "${name}"`,
        `inputs: ${[...fields.keys()].join(', ')}`,
      );
    const rule = compileRule(name, ruleSpec, ruleNode, {
      kind: env.kind,
      issues,
      known,
      shape: field?.shape ?? (name.startsWith('_') ? 'any' : 'scalar'),
      tables: env.tables,
      tablesDir: env.tablesDir,
      location: issues.locate(keyNode ?? ruleNode),
    });
    if (rule)
      checkTableCodes(
        {
          operation,
          rule,
          field,
          ruleNode,
          referenceDir: join(env.tablesDir, '..', 'reference'),
        },
        issues,
      );
    if (rule && field && rule.constValue !== undefined) {
      const check = field.schema.safeParse(rule.constValue);
      if (!check.success)
        issues.add(
          isMap(ruleNode) ? valueNode(ruleNode, 'const') : ruleNode,
          `const of ${name} does not fit ${operation}: ${check.error.issues[0]?.message}`,
          'check the operation inputs in docs/mapping.md',
        );
    }
    if (rule) rules.push(rule);
    known.add(name);
  }
  const resolveNode = doc.getIn([...spec.path.slice(0, -1), 'resolve'], true) as Node | undefined;
  const resolve =
    spec.resolve === undefined
      ? undefined
      : compileResolve(spec.resolve, fields, operation, resolveNode, issues);
  const filled = new Set([...Object.keys(spec.inputs), ...(resolve?.names ?? [])]);
  const inputsKey = spec.path.length === 1 ? keyOf(doc, 'inputs') : (inputsNode as Node);
  // A012 replaces the whole letter set: sending only the new file would detach the others.
  if (operation === 'A012' && resolve?.letters === undefined)
    issues.add(
      resolveNode ?? inputsKey,
      'A012 replaces every referrer letter of the referral: say what happens to the current ones',
      'resolve: { version: A005, letters: keep } (or letters: replace to detach them on purpose)',
    );
  for (const [name, f] of fields ?? []) {
    if (f.required && !filled.has(name))
      issues.add(
        inputsKey,
        `operation ${operation} needs the logical input "${name}"`,
        `add a rule: ${name}: { from: … }${name === 'version' ? ', or resolve: { version: A005 }' : ''}`,
      );
  }
  return { rules, resolve };
}

function keyOf(doc: Document, key: string): Node | undefined {
  const root = mapNode(doc.contents);
  return root?.items.find((p) => (p.key as { value?: unknown }).value === key)?.key as
    Node | undefined;
}
