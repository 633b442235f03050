import { isMap, type Node } from 'yaml';
import { codeSystemOf, type CodeSystem } from './code-systems.js';
import type { InputField } from './operations.js';
import { nearestWord, valueNode, type IssueList } from './positions.js';
import type { CompiledRule } from './rules.js';
import type { TableLookup } from './transforms.js';

export interface CodeCheckSpec {
  readonly operation: string;
  readonly rule: CompiledRule;
  readonly field: InputField | undefined;
  /** The rule's node in the mapping file (the issue names it as the table's user). */
  readonly ruleNode: Node | undefined;
  readonly referenceDir: string;
}

/**
 * A table whose values feed an input with a code system (the operation schema's enum, or A004
 * reference data) must hold codes of that system: `2WW: TWO_WEEK` fails here, at the table
 * file's line, instead of at the first 2WW referral in live. Only a table that gives the rule's
 * final value is checked (a later transform may turn its values into something else).
 */
export function checkTableCodes(spec: CodeCheckSpec, issues: IssueList): void {
  const { rule, field } = spec;
  if (field === undefined) return;
  const last = lastLookup(rule);
  const given = givenValues(rule);
  if (last === undefined && given.length === 0) return;
  let system: CodeSystem | undefined;
  try {
    system = codeSystemOf({
      operation: spec.operation,
      input: rule.name,
      field,
      referenceDir: spec.referenceDir,
    });
  } catch (error) {
    issues.add(spec.ruleNode, `reference data: ${(error as Error).message}`);
    return;
  }
  if (system === undefined) return;
  for (const { value, key } of given) {
    // An enum const is already checked by the operation's schema (compile.ts).
    if (system.codes.has(value) || (key === 'const' && system.extend === undefined)) continue;
    const node = isMap(spec.ruleNode)
      ? (valueNode(spec.ruleNode, key) ?? spec.ruleNode)
      : spec.ruleNode;
    issues.add(
      node,
      `${key} "${value}" of ${rule.name} is not a ${system.name} code`,
      hintFor(value, system),
    );
  }
  if (last === undefined) return;
  const { table } = last;
  const user = `${spec.operation} input "${rule.name}"`;
  for (const [local, value] of table.entries) {
    if (system.codes.has(value)) continue;
    const pos = table.positions.get(local) ?? { line: 1, column: 1 };
    issues.issues.push({
      file: table.file,
      ...pos,
      message: `"${value}" (for ${local}) is not a ${system.name} code; table ${table.name} feeds ${user}`,
      hint: hintFor(value, system),
    });
  }
  const fallback = last.unmapped === 'default' ? last.fallback : undefined;
  if (fallback !== undefined && !system.codes.has(fallback.value)) {
    const message = `default "${fallback.value}" of table ${table.name} is not a ${system.name} code; it feeds ${user}`;
    if (fallback.node !== undefined)
      issues.add(fallback.node, message, hintFor(fallback.value, system));
    else
      issues.issues.push({
        file: table.file,
        ...(table.defaultPosition ?? { line: 1, column: 1 }),
        message,
        hint: hintFor(fallback.value, system),
      });
  }
}

/** The rule's own `const` and `default` texts: codes too when the input takes codes. */
function givenValues(rule: CompiledRule): { value: string; key: 'const' | 'default' }[] {
  const texts = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  return [
    ...texts(rule.constValue).map((value) => ({ value, key: 'const' as const })),
    ...texts(rule.defaultValue).map((value) => ({ value, key: 'default' as const })),
  ];
}

/** The table step whose values the rule sends, if any: the last step, or before `required`/`first`. */
function lastLookup(rule: CompiledRule): TableLookup | undefined {
  for (let i = rule.steps.length - 1; i >= 0; i--) {
    const step = rule.steps[i];
    if (step === undefined) return undefined;
    if (step.lookup !== undefined) return step.lookup;
    if (!step.keepsCodes) return undefined;
  }
  return undefined;
}

function hintFor(value: string, system: CodeSystem): string {
  const codes = [...system.codes];
  const near = nearestWord(value, codes);
  const parts = [
    ...(near === undefined ? [] : [`did you mean "${near}"`]),
    codes.length <= 12 ? `codes: ${codes.join(', ')}` : `${codes.length} codes`,
    ...(system.extend === undefined
      ? []
      : [`a code your e-RS environment's A004 serves can be added in ${system.extend}`]),
  ];
  return parts.join('; ');
}
