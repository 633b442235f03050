import { SandboxError } from '../outcome.js';

/** Reading a FHIR Parameters body, answering a malformed one as e-RS would. */
export interface Parameter {
  name: string;
  [value: string]: unknown;
}

/** A Parameters body of one of `profile` (several where the platform has renamed a profile). */
export function parametersOf(body: unknown, profile: string | readonly string[]): Parameter[] {
  const profiles = typeof profile === 'string' ? [profile] : profile;
  const b = body as
    { resourceType?: unknown; meta?: { profile?: unknown[] }; parameter?: unknown } | undefined;
  if (b?.resourceType !== 'Parameters' || !Array.isArray(b.parameter)) {
    throw new SandboxError(
      422,
      'INVALID_FHIR_STRUCTURE',
      'body must be a FHIR Parameters resource',
    );
  }
  if (!profiles.some((p) => (b.meta?.profile ?? []).includes(p))) {
    throw new SandboxError(
      422,
      'INVALID_FHIR_STRUCTURE',
      `meta.profile must contain ${profiles.join(' or ')}`,
    );
  }
  return b.parameter as Parameter[];
}

export function param(params: Parameter[], name: string, required: true): Parameter;
export function param(params: Parameter[], name: string, required?: false): Parameter | undefined;
export function param(params: Parameter[], name: string, required = false): Parameter | undefined {
  const p = params.find((x) => x.name === name);
  if (!p && required) throw new SandboxError(422, 'MISSING_VALUE', `parameter ${name} is required`);
  return p;
}

/** The If-Match version of a write; missing → 412, stale → 409 VERSION_CONFLICT (§2.5). */
export function checkVersion(header: string | undefined, current: number): void {
  if (header === undefined)
    throw new SandboxError(
      412,
      'MISSING_HEADER',
      'If-Match with the referral version is required',
      'required',
    );
  const v = /^W\/"(\d+)"$/.exec(header)?.[1];
  if (v === undefined)
    throw new SandboxError(
      422,
      'INVALID_VALUE',
      `If-Match must look like W/"<version>", got ${header}`,
    );
  if (Number(v) !== current)
    throw new SandboxError(409, 'VERSION_CONFLICT', `version ${v} is not the latest (${current})`);
}

/** A parameter's valueString, or '' when absent or not a string. */
export const stringValue = (v: unknown): string => (typeof v === 'string' ? v : '');
