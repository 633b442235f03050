import type { BuildContext } from './operations/types.js';

/**
 * Where e-RS is: the embedded sandbox, NHS's hosted sandbox, INT (path to live) or live, told
 * apart by the host of `ers.baseUrl` (ENDPOINTS.md §1; docs/ers-client.md).
 */
export const ERS_ENVIRONMENTS = ['embedded', 'nhs-sandbox', 'int', 'live', 'other'] as const;
export type ErsEnvironment = (typeof ERS_ENVIRONMENTS)[number];

const HOSTS: Readonly<Record<string, ErsEnvironment>> = {
  'sandbox.api.service.nhs.uk': 'nhs-sandbox',
  'int.api.service.nhs.uk': 'int',
  'api.service.nhs.uk': 'live',
};

/** Pure: the environment a base URL points at (`embedded` when our own sandbox is used). */
export function environmentOf(baseUrl: string, embedded: boolean): ErsEnvironment {
  if (embedded) return 'embedded';
  try {
    return HOSTS[new URL(baseUrl).hostname] ?? 'other';
  } catch {
    return 'other';
  }
}

/**
 * Pure: the STU3 base for a configured base URL. The platform documents its base as
 * `https://…/referrals/FHIR` (the spec's server URL); a bare host (the embedded sandbox, a proxy)
 * gets `/FHIR` added. Either way `/STU3` follows once: `…/referrals/FHIR/STU3`.
 */
export function stu3Base(baseUrl: string, flavour: 'classic' | 'platform'): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (flavour === 'classic') return /\/STU3\/v1$/.test(base) ? base : `${base}/STU3/v1`;
  if (/\/FHIR\/STU3$/i.test(base)) return base;
  return /\/FHIR$/i.test(base) ? `${base}/STU3` : `${base}/FHIR/STU3`;
}

/**
 * NHS's placeholder base: the hosted sandbox's A004 answers `_baseUrl_/STU3/CodeSystem/…` and
 * compares request bodies exactly, so requests must carry the placeholder there. Our embedded
 * sandbox holds NHS's test world, so it uses the same spelling.
 */
export const NHS_SANDBOX_CODE_SYSTEM_BASE = '_baseUrl_';

/**
 * NHS's examples spell the placeholder `_baseurl_` (lower case) in the reject (A014) and cancel
 * referral (A036) bodies, and its sandbox compares exactly; everywhere else `_baseUrl_`.
 */
const LOWER_CASE_PLACEHOLDER: readonly string[] = ['A014', 'A036'];

/** Pure: the default code-system base of an environment (before any ers.codeSystemBase). */
export function defaultCodeSystemBase(env: ErsEnvironment, baseUrl: string): string {
  switch (env) {
    case 'embedded':
    case 'nhs-sandbox':
      return NHS_SANDBOX_CODE_SYSTEM_BASE;
    case 'int':
    case 'live':
    case 'other':
      // The platform serves its dynamic code systems under its own base (A004's `url`).
      return stu3Base(baseUrl, 'platform').replace(/\/STU3$/, '');
  }
}

/** Pure: the build context of one operation for a code-system base. */
export function buildContextFor(operation: string, codeSystemBase: string): BuildContext {
  const lower =
    codeSystemBase === NHS_SANDBOX_CODE_SYSTEM_BASE && LOWER_CASE_PLACEHOLDER.includes(operation);
  return { codeSystemBase: lower ? codeSystemBase.toLowerCase() : codeSystemBase };
}

/** The context a build gets when the caller names none (mapping previews, goldens): NHS's. */
export const defaultBuildContext = (operation: string): BuildContext =>
  buildContextFor(operation, NHS_SANDBOX_CODE_SYSTEM_BASE);
