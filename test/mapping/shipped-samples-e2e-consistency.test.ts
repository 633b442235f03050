/**
 * Issue 19: shipped tables and seeds consistent — every sample's service, specialty and clinic
 * type are what the sandbox answers. Two walks:
 * - every entry of the shipped service tables names a service of the embedded sandbox's default
 *   world of the right kind, every specialty and clinic type is a code of the sandbox's
 *   CodeSystems, and each clinic type belongs to a specialty the table sends;
 * - every shipped sample that creates a referral (its golden request, which `mapping test` keeps
 *   equal to what the mapping builds) is sent to the embedded sandbox: the referral it answers
 *   has the request's services, specialty and clinic type, and each service offers them.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { sandboxConcepts } from '../../src/sandbox/reference-data.js';
import { REPO } from './e2e-support.js';

const TABLES = join(REPO, 'mappings', 'tables');
const entries = (file: string): Record<string, string> =>
  (parse(readFileSync(join(TABLES, file), 'utf8')) as { entries: Record<string, string> }).entries;
const specialties = readFileSync(join(TABLES, 'specialty.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',')[1] ?? '');

interface Concept {
  code: string;
  property?: { code: string; valueCoding?: { code?: string } }[];
}
/** What the sandbox's A004 answers: NHS's concepts and the sandbox's own. */
const codeSystem = (name: 'SPECIALTY' | 'CLINIC-TYPE'): Concept[] => [
  ...(
    JSON.parse(
      readFileSync(join(REPO, 'src', 'sandbox', 'nhs-reference', `${name}.json`), 'utf8'),
    ) as { concept: Concept[] }
  ).concept,
  ...(sandboxConcepts(name) as unknown as Concept[]),
];
const specialtyOf = (c: Concept | undefined): string | undefined =>
  c?.property?.find((p) => p.code === 'specialty')?.valueCoding?.code;

interface Inputs {
  serviceIds?: string[];
  serviceId?: string;
  specialty?: string;
  clinicType?: string;
}
const SAMPLES = join(REPO, 'samples');
const sampleDirs = readdirSync(SAMPLES).filter((d) =>
  existsSync(join(SAMPLES, d, 'expected-inputs.json')),
);
const inputsOf = (dir: string): Inputs =>
  JSON.parse(readFileSync(join(SAMPLES, dir, 'expected-inputs.json'), 'utf8')) as Inputs;
const goldenOf = (dir: string): { method: string; path: string; body: unknown } =>
  JSON.parse(readFileSync(join(SAMPLES, dir, 'expected-fhir.json'), 'utf8')) as {
    method: string;
    path: string;
    body: unknown;
  };
const creates = (dir: string): boolean => /\$ers\.createReferral/.test(goldenOf(dir).path);

describe('issue 19: shipped tables, samples and the sandbox world agree', () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  it('service tables: each e-RS service exists in the default world, appointment services are directly bookable', () => {
    const wrong: string[] = [];
    for (const [local, id] of Object.entries(entries('service.yaml')))
      if (!sandbox.state.services.has(id))
        wrong.push(`service.yaml ${local} → ${id}: no such service`);
    for (const [local, id] of Object.entries(entries('appointment-service.yaml'))) {
      const kind = sandbox.state.services.get(id)?.kind;
      if (kind !== 'DIRECTLY_BOOKABLE')
        wrong.push(`appointment-service.yaml ${local} → ${id}: ${kind ?? 'no such service'}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('specialty and clinic-type tables: codes of the sandbox CodeSystems, each clinic type of a specialty the table sends', () => {
    const specialtyCodes = new Set(codeSystem('SPECIALTY').map((c) => c.code));
    const clinicTypes = codeSystem('CLINIC-TYPE');
    const wrong: string[] = [];
    for (const s of specialties)
      if (!specialtyCodes.has(s)) wrong.push(`specialty.csv ${s}: not a SPECIALTY code`);
    for (const [local, code] of Object.entries(entries('clinic-type.yaml'))) {
      const concept = clinicTypes.find((c) => c.code === code);
      if (concept === undefined) wrong.push(`clinic-type.yaml ${local} → ${code}: not a code`);
      else if (!specialties.includes(specialtyOf(concept) ?? ''))
        wrong.push(`clinic-type.yaml ${local} → ${code}: of ${specialtyOf(concept)}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('every sample names services of the world that offer its specialty and clinic type', () => {
    const wrong: string[] = [];
    for (const dir of sampleDirs) {
      const i = inputsOf(dir);
      for (const id of [...(i.serviceIds ?? []), ...(i.serviceId ? [i.serviceId] : [])]) {
        const service = sandbox.state.services.get(id);
        if (service === undefined) wrong.push(`${dir}: service ${id} is not in the world`);
        else if (i.specialty !== undefined && service.specialty !== i.specialty)
          wrong.push(
            `${dir}: service ${id} is ${service.specialty}, the sample sends ${i.specialty}`,
          );
        else if (
          i.clinicType !== undefined &&
          service.clinicTypes !== undefined &&
          !service.clinicTypes.includes(i.clinicType)
        )
          wrong.push(
            `${dir}: service ${id} offers ${service.clinicTypes.join(', ')}, not ${i.clinicType}`,
          );
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  const creating = sampleDirs.filter(creates);
  it('finds the samples that create referrals', () => {
    expect(creating).to.include.members(['ref-i12-a011', 'ref-i12-a021', 'csv-referral-a021']);
  });

  for (const dir of creating) {
    it(`${dir}: the referral the sandbox creates has the sample's services, specialty and clinic type`, async () => {
      const golden = goldenOf(dir);
      const response = await fetch(`${sandbox.url}/FHIR/STU3${golden.path}`, {
        method: golden.method,
        headers: {
          Authorization: 'Bearer sandbox-access-token',
          'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
          'NHSD-End-User-Organisation-ODS': 'R69',
          'Content-Type': 'application/fhir+json',
        },
        body: JSON.stringify(golden.body),
      });
      const referral = (await response.json()) as {
        specialty?: { coding?: { code?: string }[] };
        contained?: {
          id?: string;
          entry?: { item?: { identifier?: { value?: string } } }[];
          parameter?: { name: string; valueCoding?: { code?: string } }[];
        }[];
      };
      expect(response.status, JSON.stringify(referral)).to.equal(201);
      const sent = inputsOf(dir);
      const shortlist = referral.contained?.find((c) => c.id === 'shortlist');
      const criteria = referral.contained?.find((c) => c.id === 'serviceSearchCriteria');
      expect({
        services: shortlist?.entry?.map((e) => e.item?.identifier?.value),
        specialty: referral.specialty?.coding?.[0]?.code,
        clinicType: criteria?.parameter?.find((p) => p.name === 'clinicType')?.valueCoding?.code,
      }).to.deep.equal({
        services: sent.serviceIds,
        specialty: sent.specialty,
        clinicType: sent.clinicType,
      });
    });
  }
});
