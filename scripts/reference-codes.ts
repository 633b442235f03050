/**
 * The e-RS codes a mapping's lookup tables are checked against at compile time
 * (src/mapping/reference/codes.json): every code the embedded sandbox's A004 answers with, and
 * every code of NHS's published A004 example answers (test/fixtures/ers-examples), including the
 * specialties its clinic types name. Pure over those files; `gen-reference-codes.ts` writes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DYNAMIC_CODE_SYSTEMS, type DynamicCodeSystem } from '../src/ers/systems.js';
import { codeSystemAnswer } from '../src/sandbox/nhs-reference.js';
import { sandboxConcepts } from '../src/sandbox/reference-data.js';

interface Concept {
  readonly code?: string;
  readonly property?: readonly { code?: string; valueCoding?: { code?: string } }[];
}

const codesOf = (cs: unknown): string[] =>
  ((cs as { concept?: Concept[] }).concept ?? []).flatMap((c) => c.code ?? []);

/** NHS's example answers, by the code system each one is. */
const EXAMPLES: Readonly<Partial<Record<DynamicCodeSystem, string>>> = {
  SPECIALTY: 'A004_Response_Specialty.json',
  'CLINIC-TYPE': 'A004_Response_Clinic_Type.json',
  'APPOINTMENT-CANCELLATION-REASON': 'A004_Response_Canx_Reason.json',
};

export function buildReferenceCodes(root: string): Record<DynamicCodeSystem, string[]> {
  const read = (file: string): unknown =>
    JSON.parse(readFileSync(join(root, 'test/fixtures/ers-examples', file), 'utf8'));
  const out = {} as Record<DynamicCodeSystem, string[]>;
  for (const type of DYNAMIC_CODE_SYSTEMS) {
    const codes = new Set(codesOf(codeSystemAnswer(type, sandboxConcepts(type))));
    const example = EXAMPLES[type];
    if (example !== undefined) for (const c of codesOf(read(example))) codes.add(c);
    out[type] = [...codes].sort();
  }
  // Each clinic type of NHS's example names its specialty: those are specialties e-RS has.
  const clinicTypes = read('A004_Response_Clinic_Type.json') as { concept?: Concept[] };
  const specialties = new Set(out.SPECIALTY);
  for (const c of clinicTypes.concept ?? [])
    for (const p of c.property ?? [])
      if (p.code === 'specialty' && p.valueCoding?.code) specialties.add(p.valueCoding.code);
  out.SPECIALTY = [...specialties].sort();
  return out;
}
