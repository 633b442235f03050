/**
 * Shared set-up for the sandbox tests: a real sandbox on port 0 seeded with the official examples'
 * world (samples/sandbox/seed.yaml), and real fhir-kit-client clients per business function.
 * fhir-kit-client is ESM-only and test files load as CommonJS, so it is imported dynamically.
 */
import { join } from 'node:path';
import type { Client as FhirClient } from 'fhir-kit-client';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

export const SEED_FILE = join(import.meta.dirname, '..', '..', 'samples', 'sandbox', 'seed.yaml');

export const PLATFORM = (businessFunction: string, extra: Record<string, string> = {}) => ({
  Authorization: 'Bearer test-token',
  'NHSD-eRS-Business-Function': businessFunction,
  'NHSD-End-User-Organisation-ODS': 'R69',
  // A015 needs it (the commissioning-rule organisation); other endpoints ignore it.
  'NHSD-eRS-Comm-Rule-Org': 'R69',
  ...extra,
});

export interface Harness {
  sandbox: RunningSandbox;
  Client: typeof FhirClient;
  /** A platform-flavour client acting as this business function. */
  as(businessFunction: string, extra?: Record<string, string>): FhirClient;
  referrer: FhirClient;
  provider: FhirClient;
}

/** Starts one sandbox for a describe block and resets its state before each test. */
export function useSandbox(options: { seedFile?: string } = { seedFile: SEED_FILE }): Harness {
  const h = {} as Harness;
  before(async () => {
    ({ Client: h.Client } = await import('fhir-kit-client'));
    h.sandbox = await startSandbox({ port: 0, ...options });
    h.as = (bf, extra = {}) =>
      new h.Client({ baseUrl: `${h.sandbox.url}/FHIR/STU3`, customHeaders: PLATFORM(bf, extra) });
    h.referrer = h.as('REFERRING_CLINICIAN');
    h.provider = h.as('SERVICE_PROVIDER_CLINICIAN');
  });
  after(() => h.sandbox.close());
  beforeEach(() => {
    h.sandbox.state.reset();
  });
  return h;
}

interface FhirKitError {
  response?: {
    status: number;
    data?: { issue?: { code: string; details: { coding: { code: string }[] } }[] };
  };
}

/** The status, eRS error code and FHIR issue code of a call that must fail. */
export async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; code: string | undefined; issueCode: string | undefined }> {
  try {
    await p;
  } catch (error) {
    const r = (error as FhirKitError).response;
    return {
      status: r?.status ?? 0,
      code: r?.data?.issue?.[0]?.details.coding[0]?.code,
      issueCode: r?.data?.issue?.[0]?.code,
    };
  }
  throw new Error('expected the call to fail');
}

/** The eRS error code of a failed fetch Response. */
export async function ersCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { issue?: { details: { coding: { code: string }[] } }[] };
  return body.issue?.[0]?.details.coding[0]?.code;
}

export type Json = Record<string, unknown>;

/** Header of the last answer fhir-kit-client received for this resource. */
export function headerOf(h: Harness, resource: unknown, name: string): string | null {
  return h.Client.httpFor(resource as never).response?.headers.get(name) ?? null;
}

/** ReferralState code of a ReferralRequest. */
export function referralState(r: unknown): string | undefined {
  const ext = (
    r as { extension: { url: string; extension?: { valueCoding: { code: string } }[] }[] }
  ).extension;
  return ext.find((e) => e.url.endsWith('Extension-eRS-ReferralState-1'))?.extension?.[0]
    ?.valueCoding.code;
}

export const parameters = (profile: string, parameter: unknown[]): Json => ({
  resourceType: 'Parameters',
  meta: { profile: [`https://fhir.nhs.uk/STU3/StructureDefinition/${profile}`] },
  parameter,
});

/** Asserts a call fails with this HTTP status and eRS error code. */
export async function rejects(p: Promise<unknown>, status: number, code: string): Promise<void> {
  const got = await failure(p);
  if (got.status !== status || got.code !== code)
    throw new Error(`expected ${status} ${code}, got ${got.status} ${String(got.code)}`);
}

/** A platform POST of a FHIR body through fhir-kit-client's raw request. */
export function postTo(
  client: FhirClient,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Json> {
  return client.request(path, {
    method: 'POST',
    body,
    options: { headers: { 'Content-Type': 'application/fhir+json', ...headers } },
  });
}

export const ifMatch = (version: number | string) => ({ 'If-Match': `W/"${version}"` });
