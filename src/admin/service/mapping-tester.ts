import { join } from 'node:path';
import { EngineError, formatIssue, isEngineError, type IssueLocation } from '../../core/errors.js';
import { compileMappingFile, type CompiledMapping } from '../../mapping/compile.js';
import { evaluateMapping } from '../../mapping/evaluate.js';
import { mappingFiles } from '../../mapping/files.js';
import { CONTENT_TYPES } from '../../mapping/inputs.js';
import { trialMessages } from '../../mapping/trial.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';

export interface TesterIssue {
  readonly code: string;
  /** One problem, `file:line:col: reason (hint: …)` for a compile problem. */
  readonly message: string;
  readonly at?: string;
  /** The mapping rule that failed, `mappings/x.yaml:14:3` (runtime errors). */
  readonly rule?: string;
  /** Where a compile problem is, for the page to point at. */
  readonly location?: IssueLocation;
}

/** One CSV row of a pasted extract: whether it maps, and why not. */
export interface TesterRow {
  readonly row: number | null;
  readonly ok: boolean;
  readonly filtered: string | null;
  readonly errors: readonly TesterIssue[];
}

/** One dry run in the dashboard tester (golden files have `MappingTestResult` in mapping/golden.ts). */
export interface TesterRun {
  readonly mapping: string;
  readonly ok: boolean;
  readonly operation: string | null;
  readonly input: Record<string, unknown> | null;
  /** Where each logical input came from (`PID-3[CX.5=NH].1`, a table, a constant). */
  readonly lineage: Record<string, string> | null;
  /** The e-RS request the operation would send: method, path and FHIR body. Never sent. */
  readonly request: { method: string; path: string; body: unknown } | null;
  readonly filtered: string | null;
  readonly errors: readonly TesterIssue[];
  readonly warnings: readonly string[];
  /**
   * A CSV mapping tried on pasted CSV (header and rows): every row's verdict. The other fields
   * show the first row that failed, or else the first row.
   */
  readonly rows?: readonly TesterRow[];
}

function issuesOf(error: unknown): TesterIssue[] {
  if (!isEngineError(error))
    return [
      {
        code: 'ENGINE_UNEXPECTED',
        message: error instanceof Error ? error.message : String(error),
      },
    ];
  const at = error.at === undefined ? {} : { at: error.at };
  const rule = error.context['rule'];
  const ruleField = typeof rule === 'string' ? { rule } : {};
  if (error.issues.length === 0)
    return [{ code: error.code, message: error.message, ...at, ...ruleField }];
  // A compile error carries each of its problems (issue 17): no splitting of its message.
  return error.issues.map((issue) => ({
    code: issue.code,
    message: formatIssue(issue),
    ...at,
    ...(issue.location === undefined ? {} : { location: issue.location }),
  }));
}

const empty = {
  operation: null,
  input: null,
  lineage: null,
  request: null,
  filtered: null,
  warnings: [],
} as const;

/** Compiles the chosen mapping and runs it on the pasted message; nothing is sent or stored. */
export async function runMappingTest(
  ctx: AdminContext,
  who: Principal,
  request: { mapping: string; message: string },
): Promise<TesterRun> {
  const configDir = ctx.configDir();
  if (!mappingFiles(configDir).includes(request.mapping)) {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Pick one of the mapping files listed.', {
      at: 'mapping',
    });
  }
  if (request.message.trim() === '') {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Paste a message to test.', { at: 'message' });
  }
  await audit(ctx, { actor: actorOf(who), action: 'mapping.test', target: request.mapping });
  let compiled: CompiledMapping;
  try {
    compiled = compileMappingFile(join(configDir, request.mapping));
  } catch (error) {
    return { mapping: request.mapping, ok: false, ...empty, errors: issuesOf(error) };
  }
  // Browsers send text areas with CRLF line ends; HL7 separates segments with CR.
  const text =
    compiled.kind === 'hl7v2' ? request.message.trim().replace(/\r?\n/g, '\r') : request.message;
  if (compiled.kind !== 'csv' || /^\s*\{/.test(text))
    return runOne(compiled, request.mapping, text);
  return runCsv(compiled, request.mapping, text);
}

/** A pasted CSV extract: every row is mapped; the first failing (or first) row is shown whole. */
async function runCsv(
  compiled: CompiledMapping,
  mapping: string,
  text: string,
): Promise<TesterRun> {
  let trial: Awaited<ReturnType<typeof trialMessages>>;
  try {
    trial = await trialMessages('csv', text);
  } catch (error) {
    return { mapping, ok: false, ...empty, errors: issuesOf(error) };
  }
  const rows: TesterRow[] = trial.problems.map((p) => ({
    row: p.row,
    ok: false,
    filtered: null,
    errors: [{ code: p.code ?? 'FORMAT_CSV_ROW', message: p.reason, at: `row ${p.row ?? '?'}` }],
  }));
  let shown: TesterRun | undefined;
  for (const message of trial.messages) {
    const r = await runOne(compiled, mapping, message.raw);
    rows.push({ row: message.row ?? null, ok: r.ok, filtered: r.filtered, errors: r.errors });
    if (shown === undefined || (shown.ok && !r.ok)) shown = r;
  }
  if (shown === undefined)
    return {
      mapping,
      ok: false,
      ...empty,
      errors: [
        {
          code: 'FORMAT_CSV_ROW',
          message: 'Paste the CSV header line and at least one row.',
          at: 'message',
        },
      ],
      rows,
    };
  return { ...shown, ok: rows.every((r) => r.ok), rows };
}

async function runOne(
  compiled: CompiledMapping,
  mapping: string,
  text: string | Buffer,
): Promise<TesterRun> {
  try {
    const run = await evaluateMapping(compiled, text, CONTENT_TYPES[compiled.kind]);
    if (run.kind === 'filtered')
      return { mapping, ok: true, ...empty, filtered: run.reason, errors: [] };
    return {
      mapping,
      ok: true,
      operation: run.operation,
      input: run.input,
      lineage: run.lineage,
      request: {
        method: run.request.method,
        path: run.request.path,
        body: run.request.body ?? null,
      },
      filtered: null,
      errors: [],
      warnings: run.warnings,
    };
  } catch (error) {
    return {
      mapping,
      ok: false,
      ...empty,
      operation: compiled.operation,
      errors: issuesOf(error),
    };
  }
}
