import { readFileSync } from 'node:fs';
import { CODE_SYSTEM_BASE } from './resources.js';

/**
 * NHS's e-RS reference data (A004): the six CodeSystems NHS England's sandbox serves, unchanged
 * under nhs-reference/ (README and LICENSE there). Read once; `_baseUrl_` becomes the sandbox's
 * code-system base. Their concept properties drive the sandbox's rules on cancellation reasons.
 */
export const CODE_SYSTEM_TYPES = [
  'SPECIALTY',
  'CLINIC-TYPE',
  'APPOINTMENT-CANCELLATION-REASON',
  'REFERRAL-CANCELLATION-REASON',
  'APPOINTMENT-NON-ATTENDANCE-REASON',
  'PRIORITY',
] as const;
export type CodeSystemType = (typeof CODE_SYSTEM_TYPES)[number];

interface Property {
  readonly code: string;
  readonly valueBoolean?: boolean;
  readonly valueCoding?: { readonly code?: string };
}
export interface Concept {
  readonly code: string;
  readonly display?: string;
  readonly property?: readonly Property[];
}

const cache = new Map<CodeSystemType, string>();
const text = (type: CodeSystemType): string => {
  let t = cache.get(type);
  if (t === undefined) {
    t = readFileSync(new URL(`./nhs-reference/${type}.json`, import.meta.url), 'utf8').replaceAll(
      /_baseurl_/gi,
      CODE_SYSTEM_BASE,
    );
    cache.set(type, t);
  }
  return t;
};

/** Pure over the shipped files: the CodeSystem resource A004 answers (a fresh copy each call). */
export const referenceData = (type: CodeSystemType): Record<string, unknown> =>
  JSON.parse(text(type)) as Record<string, unknown>;

/**
 * A004's answer: NHS's code system, followed by the sandbox's own concepts of that type that NHS's
 * sample lacks (the specialties and clinic types the sandbox's worlds use: CARDIOLOGY…).
 */
export function codeSystemAnswer(
  type: CodeSystemType,
  extra: readonly Record<string, unknown>[],
): Record<string, unknown> {
  const cs = referenceData(type);
  const concepts = (cs['concept'] ?? []) as Record<string, unknown>[];
  const known = new Set(concepts.map((c) => c['code']));
  cs['concept'] = [...concepts, ...extra.filter((c) => !known.has(c['code']))];
  return cs;
}

/** One concept of a code system, or undefined when the code is not in it. */
export function conceptOf(type: CodeSystemType, code: string): Concept | undefined {
  const concepts = (referenceData(type)['concept'] ?? []) as Concept[];
  return concepts.find((c) => c.code === code);
}

/** A concept's boolean property (commentIsMandatory, willCancelWholeRequest, canCancelAppointment). */
export const flag = (c: Concept, name: string): boolean | undefined =>
  c.property?.find((p) => p.code === name)?.valueBoolean;

/** A concept's coded property values (businessFunction, referrerUsage, usage…). */
export const codes = (c: Concept, name: string): string[] =>
  (c.property ?? []).filter((p) => p.code === name).flatMap((p) => p.valueCoding?.code ?? []);
