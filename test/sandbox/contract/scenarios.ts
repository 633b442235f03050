/**
 * NHS's e-RS sandbox scenarios (test/fixtures/nhs-contract/index.json) replayed against our
 * sandbox: the request as NHS's example sends it, plus the headers the e-RS spec requires that
 * NHS's sandbox does not check (Authorization, NHSD-End-User-Organisation-ODS, If-Match,
 * NHSD-eRS-Comm-Rule-Org), then a comparison of the answer with NHS's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingFrom } from './shape.js';

export const CONTRACT_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'nhs-contract');

export interface Scenario {
  readonly operation: string;
  readonly id: string | null;
  readonly scenario: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string> | null;
  readonly exampleRequestHeaders: Record<string, string>;
  readonly requestBody: string | null;
  readonly responseStatus: number;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody?: string | null;
  readonly responseBodyInline?: string | null;
}

interface SpecHeader {
  readonly name: string;
  readonly required: boolean | string;
}

interface Index {
  readonly scenarios: readonly Scenario[];
  readonly operations: Record<string, { readonly specHeaders?: readonly SpecHeader[] }>;
}

export const INDEX = JSON.parse(readFileSync(join(CONTRACT_DIR, 'index.json'), 'utf8')) as Index;

/** A readable, unique name: operation, scenario and (for NHS's repeated names) the path. */
export const nameOf = (s: Scenario): string =>
  `${s.operation} ${s.scenario}${s.method === 'GET' && s.path.includes('_history') ? '' : ''}`;

export const fileBytes = (file: string): Buffer => readFileSync(join(CONTRACT_DIR, file));

/** The record a write names, for its If-Match: ReferralRequest/{ubrn}, CommunicationRequest/{ubrn}, Appointment/{id}. */
export function target(
  s: Scenario,
): { kind: 'referral' | 'advice' | 'appointment'; id: string } | null {
  const m = /\/(ReferralRequest|CommunicationRequest|Appointment)\/(\d+)/.exec(s.path);
  if (!m?.[1] || !m[2]) return null;
  const kind =
    m[1] === 'ReferralRequest' ? 'referral' : m[1] === 'Appointment' ? 'appointment' : 'advice';
  return { kind, id: m[2] };
}

/** The spec-required headers NHS's sandbox does not check, as a real caller sends them. */
export function specHeaders(
  s: Scenario,
  version: () => number | undefined,
): Record<string, string> {
  const declared = INDEX.operations[s.operation]?.specHeaders ?? [];
  const required = new Set(declared.filter((h) => h.required === true).map((h) => h.name));
  const headers: Record<string, string> = {};
  if (required.has('Authorization')) headers['Authorization'] = 'Bearer contract-test';
  if (
    required.has('NHSD-End-User-Organisation-ODS') ||
    s.exampleRequestHeaders['NHSD-eRS-Business-Function']
  )
    headers['NHSD-End-User-Organisation-ODS'] = 'R69';
  if (required.has('NHSD-eRS-Comm-Rule-Org')) headers['NHSD-eRS-Comm-Rule-Org'] = 'R69';
  if (required.has('If-Match')) {
    const v = version();
    if (v !== undefined) headers['If-Match'] = `W/"${v}"`;
  }
  return headers;
}

export interface Outcome {
  readonly status: number;
  readonly contentType: string;
  readonly problems: string[];
}

const MEDIA = (type: string | undefined): string => (type ?? '').split(';')[0]?.trim() ?? '';

/** Sends the scenario's request to `base` (our sandbox's origin) and compares the answer with NHS's. */
export async function replay(
  base: string,
  s: Scenario,
  extraHeaders: Record<string, string>,
): Promise<Outcome> {
  const url = new URL(s.path, base);
  for (const [k, v] of Object.entries(s.query ?? {})) url.searchParams.set(k, v);
  const body = s.requestBody ? fileBytes(s.requestBody) : undefined;
  const headers: Record<string, string> = { ...s.exampleRequestHeaders };
  // A business function given by the precondition replaces the example's (header names differ in case).
  if (extraHeaders['NHSD-eRS-Business-Function']) delete headers['NHSD-eRS-Business-Function'];
  const res = await fetch(url, {
    method: s.method,
    headers: { ...headers, ...extraHeaders },
    ...(body ? { body } : {}),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  const problems: string[] = [];
  if (res.status !== s.responseStatus)
    problems.push(
      `status ${res.status}, NHS ${s.responseStatus}: ${bytes.toString('utf8', 0, 400)}`,
    );
  const nhsType = MEDIA(s.responseHeaders['Content-Type']);
  if (nhsType === 'application/fhir+json') {
    if (MEDIA(contentType) !== nhsType)
      problems.push(`content-type ${contentType}, NHS ${nhsType}`);
    const nhs = JSON.parse(fileBytes(s.responseBody ?? '').toString('utf8')) as unknown;
    let ours: unknown;
    try {
      ours = JSON.parse(bytes.toString('utf8'));
    } catch {
      problems.push('body is not JSON');
    }
    if (ours !== undefined) problems.push(...missingFrom(ours, nhs).map((p) => `missing ${p}`));
    if (
      s.responseHeaders['ETag'] &&
      res.status < 300 &&
      !/^W\/"\d+"$/.test(res.headers.get('etag') ?? '')
    )
      problems.push(`ETag ${res.headers.get('etag')}, NHS ${s.responseHeaders['ETag']}`);
  } else if (nhsType === 'application/pdf') {
    if (MEDIA(contentType) !== nhsType)
      problems.push(`content-type ${contentType}, NHS ${nhsType}`);
    if (!/^attachment; filename="?[^"]+\.pdf"?$/.test(res.headers.get('content-disposition') ?? ''))
      problems.push(`content-disposition ${res.headers.get('content-disposition')}`);
    if (res.status === 200 && bytes.length === 0) problems.push('empty body');
  } else if (s.responseHeaders['Location']) {
    // A020: NHS answers 201 with the new file's Binary/<id> in Location (its body is empty).
    if (!/^Binary\/[\w-]+$/.test(res.headers.get('location') ?? ''))
      problems.push(
        `Location ${res.headers.get('location')}, NHS ${s.responseHeaders['Location']}`,
      );
  }
  return { status: res.status, contentType, problems };
}

/** One scenario against a fresh sandbox on port 0 with the NHS world (and its precondition). */
export async function runScenario(
  s: Scenario,
  start: (overlay: Record<string, unknown> | undefined) => Promise<{
    url: string;
    version: (t: NonNullable<ReturnType<typeof target>>) => number | undefined;
    close: () => Promise<void>;
  }>,
  pre: { overlay: Record<string, unknown>; businessFunction?: string } | undefined,
): Promise<Outcome> {
  const sandbox = await start(pre?.overlay);
  try {
    const t = target(s);
    const extra = specHeaders(s, () => (t ? sandbox.version(t) : undefined));
    if (pre?.businessFunction) extra['NHSD-eRS-Business-Function'] = pre.businessFunction;
    return await replay(sandbox.url, s, extra);
  } finally {
    await sandbox.close();
  }
}
