import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isEngineError, type EngineError } from '../../core/errors.js';
import { mappingFiles } from '../../mapping/files.js';
import { CONTENT_TYPES } from '../../mapping/inputs.js';
import { describeRuntimeError } from '../../mapping/rule-errors.js';
import { trialMessages } from '../../mapping/trial.js';
import {
  compileMappingFile,
  evaluateMapping,
  runMappingTests,
  type CompiledMapping,
  type MappingTestResult,
} from '../../mapping/index.js';
import { registerReplay } from './mapping-replay.js';
import { registerVersions } from './mapping-versions.js';

export function formatTestResults(results: readonly MappingTestResult[]): string {
  const lines = results.map((r) => {
    const count = r.samples > 1 ? `, ${r.samples} samples` : '';
    const head = `${r.passed ? 'ok  ' : 'FAIL'} ${r.mappingId} (${r.file}${count})`;
    const updated = r.updated.map((u) => `     updated ${u}`);
    return [head, ...updated, ...r.failures.map((f) => f.replace(/^/gm, '     '))].join('\n');
  });
  const failed = results.filter((r) => !r.passed).length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return lines.join('\n');
}

/** What `mapping run` prints: inputs, lineage, warnings and the request, or the error. */
export async function runMappingText(
  mappingFile: string,
  inputFile: string,
): Promise<{ text: string; ok: boolean }> {
  let m: CompiledMapping;
  try {
    m = compileMappingFile(mappingFile);
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { text: errorText(error), ok: false };
  }
  let trial: Awaited<ReturnType<typeof trialMessages>>;
  try {
    trial = await trialMessages(m.kind, readFileSync(inputFile));
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { text: errorText(error), ok: false };
  }
  const out: string[] = [];
  let ok = trial.problems.length === 0;
  for (const p of trial.problems) out.push(`row ${p.row ?? '?'}: ${p.code ?? ''} ${p.reason}`);
  if (m.kind === 'csv' && trial.messages.length === 0) out.push('the CSV file has no data rows');
  for (const message of trial.messages) {
    if (message.row !== undefined) out.push(`── row ${message.row} ──`);
    const one = await runOne(m, message.raw);
    out.push(one.text);
    ok &&= one.ok;
  }
  return { text: out.join('\n'), ok: ok && trial.messages.length > 0 };
}

async function runOne(
  m: CompiledMapping,
  raw: string | Buffer,
): Promise<{ text: string; ok: boolean }> {
  try {
    const run = await evaluateMapping(m, raw, CONTENT_TYPES[m.kind]);
    if (run.kind === 'filtered') return { text: `filtered: ${run.reason}`, ok: true };
    const out = [
      `mapping ${run.mappingId} → ${run.operation} (sha256 ${run.mappingHash.slice(0, 12)})`,
      'logical inputs:',
      ...Object.entries(run.input).map(
        ([k, v]) =>
          `  ${k} = ${JSON.stringify(v)}${run.lineage[k] ? `   ← ${run.lineage[k]}` : ''}`,
      ),
      `warnings (${run.warnings.length}):`,
      ...run.warnings.map((w) => `  ${w}`),
      `request (not sent): ${run.request.method} ${run.request.path}`,
      JSON.stringify(run.request.body ?? null, null, 2),
    ];
    return { text: out.join('\n'), ok: true };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { text: errorText(error), ok: false };
  }
}

/** `error MAP_UNMAPPED_CODE at RF1-2.1 (rule priority, mappings/x.yaml:14:3):` and the message. */
function errorText(error: EngineError): string {
  return `error ${describeRuntimeError(error)}:\n${error.message}`;
}

export function register(program: Command): void {
  const mapping = program
    .command('mapping')
    .description('mapping file tools (compile, golden tests, dry run)');
  mapping
    .command('test')
    .description('run mappings against their samples in samples/<mapping-id>/ and show diffs')
    .argument('[files...]', 'mapping files (default: every mapping under mappings/)')
    .option(
      '--update',
      'rewrite the expected-*.json files from the current output (review the diff first)',
    )
    .action(async (files: string[], opts: { update?: boolean }) => {
      const list = files.length > 0 ? files : mappingFiles('.');
      const results = await runMappingTests(list, { update: opts.update ?? false });
      console.log(formatTestResults(results));
      if (results.some((r) => !r.passed)) process.exitCode = 1;
    });
  mapping
    .command('run')
    .description(
      'map one input file and print the logical inputs and the e-RS request, without sending',
    )
    .argument('<mapping>', 'mapping file')
    .argument(
      '<input>',
      'input message file; for a CSV mapping a CSV file (every row) or one stored row (JSON). Shows patient data: use on test files',
    )
    .action(async (mappingFile: string, inputFile: string) => {
      const { text, ok } = await runMappingText(mappingFile, inputFile);
      console.log(text);
      if (!ok) process.exitCode = 1;
    });
  registerReplay(mapping);
  registerVersions(mapping);
}
