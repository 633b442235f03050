import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EngineError, isEngineError } from '../../core/errors.js';
import { compileMappingFile, type CompiledMapping } from '../../mapping/compile.js';
import { evaluateMapping } from '../../mapping/evaluate.js';
import { CONTENT_TYPES } from '../../mapping/inputs.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';

export interface TesterIssue {
  readonly code: string;
  readonly message: string;
  readonly at?: string;
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
}

/** Mapping files under `<configDir>/mappings`, as paths relative to the config folder. */
export function listMappingFiles(configDir: string): string[] {
  const root = join(configDir, 'mappings');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('tables'))
    .map((f) => relative(configDir, join(root, f)))
    .sort();
}

function issuesOf(error: unknown): TesterIssue[] {
  if (!isEngineError(error))
    return [
      {
        code: 'ENGINE_UNEXPECTED',
        message: error instanceof Error ? error.message : String(error),
      },
    ];
  // A compile error lists one problem a line (file:line:col: reason).
  return error.message
    .split('\n')
    .map((line) => ({ code: error.code, message: line, ...(error.at ? { at: error.at } : {}) }));
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
  if (!listMappingFiles(configDir).includes(request.mapping)) {
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
  try {
    const run = await evaluateMapping(compiled, text, CONTENT_TYPES[compiled.kind]);
    if (run.kind === 'filtered')
      return { mapping: request.mapping, ok: true, ...empty, filtered: run.reason, errors: [] };
    return {
      mapping: request.mapping,
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
      mapping: request.mapping,
      ok: false,
      ...empty,
      operation: compiled.operation,
      errors: issuesOf(error),
    };
  }
}
