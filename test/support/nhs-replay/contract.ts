/**
 * NHS's e-RS sandbox as its scenario index describes it (test/fixtures/nhs-contract/index.json,
 * written from NHSDigital/e-referrals-service-api `sandbox/`): the operations with their routes,
 * allowed business functions and no-match answers, and the 136 scenarios.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONTRACT_DIR = join(process.cwd(), 'test', 'fixtures', 'nhs-contract');

export interface Scenario {
  readonly operation: string;
  readonly scenario: string;
  readonly handler: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>> | null;
  readonly requestHeaders: Readonly<Record<string, { readonly allowed?: readonly string[] }>>;
  readonly exampleRequestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string | null;
  readonly responseStatus: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody?: string | null;
  readonly responseBodyInline?: string;
  readonly notes?: string;
}

export interface Operation {
  readonly id: string | null;
  readonly handler: string;
  readonly method: string;
  readonly paths: readonly string[];
  readonly allowedBusinessFunctions: readonly string[] | null;
  readonly responseSelectedBy: string;
  readonly onNoMatch: {
    readonly status: number;
    readonly body: string | null;
    readonly contentType?: string | null;
  } | null;
}

interface ContractIndex {
  readonly rules: {
    readonly forbiddenMessageByHandler: Readonly<Record<string, string>>;
    readonly businessFunctionHeader: {
      readonly onBehalfOf: {
        readonly businessFunctionIsSPCAAndHeaderMissing: { readonly body: string };
        readonly otherBusinessFunctionAndHeaderPresent: { readonly body: string };
      };
    };
  };
  readonly operations: Readonly<Record<string, Operation>>;
  readonly scenarios: readonly Scenario[];
}

export const INDEX = JSON.parse(
  readFileSync(join(CONTRACT_DIR, 'index.json'), 'utf8'),
) as ContractIndex;

/** A file of the corpus (paths in index.json start with `mocks/`). */
export const contractFile = (path: string): Buffer => readFileSync(join(CONTRACT_DIR, path));

/** A020's Content-Type allow list (hapi `payload.allow` on NHS's route; others get 415). */
export const A020_CONTENT_TYPES: readonly string[] =
  INDEX.scenarios.find((s) => s.operation === 'A020')?.requestHeaders['Content-Type']?.allowed ??
  [];
