import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EngineError } from '../core/errors.js';
import { compileMappingFile, type CompiledMapping } from './compile.js';
import { evaluateParsed, evaluateThen } from './evaluate.js';
import { diffJson, formatJsonChanges, type JsonChange } from './json-diff.js';
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

/** One expected file that differs from what the mapping gives now. */
export interface GoldenMismatch {
  /** `ref-i12-a021` for the main sample, `ref-i12-a021/cases/urgent` for another. */
  readonly sample: string;
  readonly file: string;
  readonly diffs: readonly JsonChange[];
}

export interface MappingTestResult {
  readonly file: string;
  readonly mappingId: string;
  readonly passed: boolean;
  /** One entry per mismatching expectation, with a readable diff. */
  readonly failures: string[];
  /** The same mismatches, structurally: sample, expected file and JSON-path differences. */
  readonly mismatches: GoldenMismatch[];
  readonly updated: string[];
  /** How many samples were run (the main one and each folder under `cases/`). */
  readonly samples: number;
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
      ? { bytes: { contentType: request.bytes.contentType, length: request.bytes.data.length } }
      : {}),
    body: request.body ?? null,
  };
}

/** What an expected-error sample records: the catalogue code, the field and the mapping rule. */
export interface ExpectedError {
  readonly code: string;
  readonly at?: string;
  /** The rule's place in its mapping file, by file name: `ref-i12-a021.yaml:14:3`. */
  readonly rule?: string;
}

function errorView(error: EngineError): ExpectedError {
  const rule = error.context['rule'];
  return {
    code: error.code,
    ...(error.at === undefined ? {} : { at: error.at }),
    ...(typeof rule === 'string' ? { rule: basename(rule) } : {}),
  };
}

/** The sample folders of a mapping: `samples/<id>/` and each folder under `samples/<id>/cases/`. */
function sampleDirs(dir: string): { name: string; dir: string }[] {
  const id = basename(dir);
  const cases = join(dir, 'cases');
  const more = existsSync(cases)
    ? readdirSync(cases)
        .filter((n) => statSync(join(cases, n)).isDirectory())
        .sort()
        .map((n) => ({ name: `${id}/cases/${n}`, dir: join(cases, n) }))
    : [];
  return [{ name: id, dir }, ...more];
}

/**
 * Runs each mapping against its samples: `samples/<mapping-id>/` (two folders above
 * `mappings/x.yaml`) and every folder under `samples/<mapping-id>/cases/`. A sample holds its input
 * and expected-inputs.json, expected-fhir.json, expected-reply.json (and expected-warnings.json,
 * asserted when present), or expected-error.json for a message the mapping must refuse.
 * `update` rewrites the expected files. Recorded e-RS answers come from `ers-answers.json`.
 */
export async function runMappingTests(
  files: readonly string[],
  opts: { update?: boolean; samplesDir?: string } = {},
): Promise<MappingTestResult[]> {
  const results: MappingTestResult[] = [];
  for (const file of files) {
    const failures: string[] = [];
    const mismatches: GoldenMismatch[] = [];
    const updated: string[] = [];
    let id = file;
    let samples = 0;
    try {
      const m = compileMappingFile(file);
      id = m.id;
      const root = join(opts.samplesDir ?? join(dirname(file), '..', 'samples'), m.id);
      for (const sample of sampleDirs(root)) {
        samples++;
        const r = await runSample(m, sample.dir, opts.update ?? false);
        updated.push(...r.updated);
        for (const x of r.mismatches) {
          mismatches.push({ sample: sample.name, ...x });
          failures.push(`${sample.name}/${x.file}:\n${formatDiff(x.diffs)}`);
        }
        failures.push(...r.problems.map((p) => `${sample.name}: ${p}`));
      }
    } catch (error) {
      failures.push(
        error instanceof EngineError ? `${error.code}: ${error.message}` : (error as Error).message,
      );
    }
    const passed = failures.length === 0;
    results.push({ file, mappingId: id, passed, failures, mismatches, updated, samples });
  }
  return results;
}

interface SampleOutcome {
  readonly mismatches: { file: string; diffs: JsonChange[] }[];
  readonly problems: string[];
  readonly updated: string[];
}

async function runSample(m: CompiledMapping, dir: string, update: boolean): Promise<SampleOutcome> {
  const inputFile = join(dir, INPUT_FILE[m.kind]);
  if (!existsSync(inputFile))
    return { mismatches: [], problems: [`no input ${inputFile}`], updated: [] };
  const errorFile = join(dir, 'expected-error.json');
  const expectsError = existsSync(errorFile);
  let actual: Record<string, unknown>;
  try {
    actual = await actualOutputs(m, dir, inputFile);
  } catch (error) {
    if (!(error instanceof EngineError))
      return { mismatches: [], problems: [(error as Error).message], updated: [] };
    // A new sample that only has its input becomes an expected-error sample on --update.
    if (!expectsError && !(update && !existsSync(join(dir, 'expected-inputs.json'))))
      return { mismatches: [], problems: [describe(error)], updated: [] };
    actual = { 'expected-error.json': errorView(error) };
  }
  if (expectsError && !('expected-error.json' in actual)) {
    const problem = 'expected-error.json says the mapping refuses this message, but it mapped it';
    return { mismatches: [], problems: [problem], updated: [] };
  }
  return compare(dir, actual, update);
}

function describe(error: EngineError): string {
  const rule = error.context['rule'];
  return `${error.code}${error.at ? ` at ${error.at}` : ''}${typeof rule === 'string' ? ` (rule ${rule})` : ''}: ${error.message}`;
}

/** What the mapping gives for one sample, by the expected file that records it. */
async function actualOutputs(
  m: CompiledMapping,
  dir: string,
  inputFile: string,
): Promise<Record<string, unknown>> {
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
  return {
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
    // Asserted when the sample has the file (written by --update).
    'expected-warnings.json': run.warnings,
  };
}

function compare(dir: string, actual: Record<string, unknown>, update: boolean): SampleOutcome {
  const out: SampleOutcome = { mismatches: [], problems: [], updated: [] };
  for (const [name, value] of Object.entries(actual)) {
    const path = join(dir, name);
    const exists = existsSync(path);
    if (!exists && name === 'expected-warnings.json' && !update) continue;
    const expected = exists ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
    const diffs = exists ? diffJson(expected, value) : [];
    if (exists && diffs.length === 0) continue;
    if (update) {
      writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
      out.updated.push(path);
    } else if (!exists) out.problems.push(`${name} is missing (run mapping test --update)`);
    else out.mismatches.push({ file: name, diffs });
  }
  return out;
}

/** The changes from the expected file to what the mapping gives now, one line each (at most 30). */
function formatDiff(diffs: readonly JsonChange[], max = 30): string {
  const shown = formatJsonChanges(diffs.slice(0, max)).replace(/^/gm, '  ');
  return diffs.length > max ? `${shown}\n  … ${diffs.length - max} more` : shown;
}
