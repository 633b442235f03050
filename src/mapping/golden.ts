import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EngineError } from '../core/errors.js';
import { compileMappingFile } from './compile.js';
import { evaluateParsed, evaluateThen } from './evaluate.js';
import { CONTENT_TYPES, parseInput, type InputKind } from './inputs.js';
import type { OperationRequest } from '../ers/operations/index.js';
import type { ErsAnswers } from './resolve.js';
import { renderOutbound, renderReply } from './reply.js';
import { worklistItems } from './worklist.js';

/** The e-RS answer the golden reply is rendered from (sandbox-style values). */
export const SAMPLE_ERS_OUTPUT = {
  ubrn: '000000070000',
  version: '1',
  attachmentUrl: 'Binary/sample-upload-0001',
} as const;

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

/** What a golden file records of a request (A020 bytes by type and size, not content). */
function requestView(request: OperationRequest): Record<string, unknown> {
  return {
    method: request.method,
    path: request.path,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.bytes
      ? {
          bytes: {
            contentType: request.bytes.contentType,
            length: request.bytes.data.length,
          },
        }
      : {}),
    body: request.body ?? null,
  };
}

/**
 * Runs each mapping against `samples/<mapping-id>/` (two folders above `mappings/x.yaml`):
 * expected-inputs.json, expected-fhir.json and expected-reply.json. `update` rewrites them.
 * Recorded e-RS answers for `resolve` (A005, A015) come from `ers-answers.json` when present.
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
      const answersFile = join(dir, 'ers-answers.json');
      const answers = existsSync(answersFile)
        ? (JSON.parse(readFileSync(answersFile, 'utf8')) as ErsAnswers)
        : undefined;
      const parsed = await parseInput(m.kind, readFileSync(inputFile), CONTENT_TYPES[m.kind]);
      const run = await evaluateParsed(m, parsed, answers ? { answers } : {});
      if (run.kind === 'filtered') throw new Error(`sample does not match: ${run.reason}`);
      const then = m.then
        ? await evaluateThen(m, parsed, run.input, SAMPLE_ERS_OUTPUT, answers ? { answers } : {})
        : undefined;
      const outbound = m.reply?.outbound;
      const actual: Record<string, unknown> = {
        'expected-inputs.json': run.input,
        'expected-fhir.json': {
          ...requestView(run.request),
          ...(then ? { then: { operation: then.operation, ...requestView(then.request) } } : {}),
        },
        'expected-reply.json': m.reply
          ? renderReply(m.reply, { ers: SAMPLE_ERS_OUTPUT, input: run.input })
          : null,
        // One outbound HL7 message per item of the recorded answer (fixed control ids and time).
        ...(outbound
          ? {
              'expected-outbound.json': worklistItems(answers?.A008).map((item, n) =>
                renderOutbound(outbound, {
                  ...item,
                  controlId: `E1-${n + 1}`,
                  now: '20261125070000',
                }).split('\r'),
              ),
            }
          : {}),
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
