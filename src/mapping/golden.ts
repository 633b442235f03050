import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EngineError } from '../engine/errors.js';
import { compileMappingFile } from './compile.js';
import { evaluateMapping } from './evaluate.js';
import { CONTENT_TYPES, type InputKind } from './inputs.js';
import { renderReply } from './reply.js';

/** The e-RS answer the golden reply is rendered from (sandbox-style values). */
export const SAMPLE_ERS_OUTPUT = { ubrn: '000000070000', version: '1' } as const;

export interface MappingTestResult {
  readonly file: string;
  readonly mappingId: string;
  readonly passed: boolean;
  /** One entry per mismatching expectation, with a readable diff. */
  readonly failures: string[];
  readonly updated: string[];
}

const INPUT_FILE: Readonly<Record<InputKind, string>> = {
  hl7v2: 'input.hl7',
  csv: 'input.json',
  json: 'input.json',
  xml: 'input.xml',
};

/**
 * Runs each mapping against `samples/<mapping-id>/` (two folders above `mappings/x.yaml`):
 * expected-inputs.json, expected-fhir.json and expected-reply.json. `update` rewrites them.
 */
export async function runMappingTests(
  files: readonly string[],
  opts: { update?: boolean; samplesDir?: string } = {},
): Promise<MappingTestResult[]> {
  const results: MappingTestResult[] = [];
  for (const file of files) {
    const failures: string[] = [];
    const updated: string[] = [];
    let id = file;
    try {
      const m = compileMappingFile(file);
      id = m.id;
      const dir = join(opts.samplesDir ?? join(dirname(file), '..', 'samples'), m.id);
      const inputFile = join(dir, INPUT_FILE[m.kind]);
      if (!existsSync(inputFile)) throw new Error(`no sample input ${inputFile}`);
      const run = await evaluateMapping(m, readFileSync(inputFile), CONTENT_TYPES[m.kind]);
      if (run.kind === 'filtered') throw new Error(`sample does not match: ${run.reason}`);
      const actual: Record<string, unknown> = {
        'expected-inputs.json': run.input,
        'expected-fhir.json': {
          method: run.request.method,
          path: run.request.path,
          ...(run.request.headers ? { headers: run.request.headers } : {}),
          // A020 sends raw bytes, not a FHIR body: record their type and size instead.
          ...(run.request.bytes
            ? {
                bytes: {
                  contentType: run.request.bytes.contentType,
                  length: run.request.bytes.data.length,
                },
              }
            : {}),
          body: run.request.body ?? null,
        },
        'expected-reply.json': m.reply
          ? renderReply(m.reply, { ers: SAMPLE_ERS_OUTPUT, input: run.input })
          : null,
      };
      for (const [name, value] of Object.entries(actual)) {
        const path = join(dir, name);
        const expected = existsSync(path)
          ? (JSON.parse(readFileSync(path, 'utf8')) as unknown)
          : undefined;
        if (isDeepStrictEqual(expected, value)) continue;
        if (opts.update) {
          writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
          updated.push(path);
        } else failures.push(`${name}:\n${diff(expected, value)}`);
      }
    } catch (error) {
      failures.push(
        error instanceof EngineError ? `${error.code}: ${error.message}` : (error as Error).message,
      );
    }
    results.push({ file, mappingId: id, passed: failures.length === 0, failures, updated });
  }
  return results;
}

/** Line diff of the two pretty-printed JSON values (`-` expected, `+` actual). */
export function diff(expected: unknown, actual: unknown): string {
  const a =
    expected === undefined ? ['(missing file)'] : JSON.stringify(expected, null, 2).split('\n');
  const b = JSON.stringify(actual, null, 2).split('\n');
  const out: string[] = [];
  const max = Math.max(a.length, b.length);
  for (let i = 0; i < max; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) out.push(`  - ${a[i]}   (line ${i + 1})`);
    if (b[i] !== undefined) out.push(`  + ${b[i]}`);
    if (out.length > 40) {
      out.push('  …');
      break;
    }
  }
  return out.join('\n');
}
