import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isEngineError } from '../../core/errors.js';
import { CONTENT_TYPES } from '../../mapping/inputs.js';
import {
  compileMappingFile,
  evaluateMapping,
  runMappingTests,
  type MappingTestResult,
} from '../../mapping/index.js';
import { registerReplay } from './mapping-replay.js';
import { registerVersions } from './mapping-versions.js';

/** Every `*.yaml` directly in `dir` (the shipped and site mappings). */
export function listMappingFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

export function formatTestResults(results: readonly MappingTestResult[]): string {
  const lines = results.map((r) => {
    const head = `${r.passed ? 'ok  ' : 'FAIL'} ${r.mappingId} (${r.file})`;
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
  try {
    const m = compileMappingFile(mappingFile);
    const run = await evaluateMapping(m, readFileSync(inputFile), CONTENT_TYPES[m.kind]);
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
    return {
      text: `error ${error.code}${error.at ? ` at ${error.at}` : ''}:\n${error.message}`,
      ok: false,
    };
  }
}

export function register(program: Command): void {
  const mapping = program
    .command('mapping')
    .description('mapping file tools (compile, golden tests, dry run)');
  mapping
    .command('test')
    .description('run mappings against their samples in samples/<mapping-id>/ and show diffs')
    .argument('[files...]', 'mapping files (default: every mappings/*.yaml)')
    .option(
      '--update',
      'rewrite the expected-*.json files from the current output (review the diff first)',
    )
    .action(async (files: string[], opts: { update?: boolean }) => {
      const list = files.length > 0 ? files : listMappingFiles('mappings');
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
    .argument('<input>', 'input message file (shows patient data: use on test files)')
    .action(async (mappingFile: string, inputFile: string) => {
      const { text, ok } = await runMappingText(mappingFile, inputFile);
      console.log(text);
      if (!ok) process.exitCode = 1;
    });
  registerReplay(mapping);
  registerVersions(mapping);
}
