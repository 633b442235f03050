import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import { rejects, useSandbox, type Json } from './support.js';

interface Params {
  parameter: { name: string; resource?: { parameter: Json[] }; [k: string]: unknown }[];
}

describe('sandbox: reference data (A004) and patient service search (A010)', () => {
  const h = useSandbox();
  const search = (body: unknown, client = h.referrer) =>
    client.operation({
      name: '$ers.searchHealthcareServicesForPatient',
      resourceType: 'HealthcareService',
      input: body as never,
    }) as unknown as Promise<{ entry: { item: { identifier: { value: string } } }[] }>;
  const criteria = (edit: (c: Json[]) => Json[]) => {
    const b = officialExample('A010_Request.json') as Params;
    const sc = b.parameter.find((p) => p.name === 'searchCriteria')!.resource!;
    sc.parameter = edit(sc.parameter);
    return b;
  };
  const without = (...names: string[]) =>
    criteria((c) => c.filter((x) => !names.includes(String(x['name']))));
  const top = (edit: (p: Params['parameter']) => Params['parameter']) => {
    const b = officialExample('A010_Request.json') as Params;
    b.parameter = edit(b.parameter);
    return b;
  };

  it('serves each reference data type as a CodeSystem; the reject reasons include the official ones (A004)', async () => {
    for (const type of [
      'SPECIALTY',
      'CLINIC-TYPE',
      'APPOINTMENT-CANCELLATION-REASON',
      'PRIORITY',
    ]) {
      const cs = (await h.provider.read({
        resourceType: 'CodeSystem',
        id: type,
      })) as unknown as Json;
      expect(cs['id']).to.equal(type);
      expect((cs['concept'] as unknown[]).length).to.be.greaterThan(2);
    }
    const reasons = (await h.provider.read({
      resourceType: 'CodeSystem',
      id: 'APPOINTMENT-CANCELLATION-REASON',
    })) as unknown as { concept: { code: string }[] };
    expect(reasons.concept.map((c) => c.code)).to.include('SERVICE_PREREQUISITES_NOT_COMPLETE');
  });

  it('answers 404 for reference data it does not hold (A004)', async () => {
    await rejects(
      h.provider.read({ resourceType: 'CodeSystem', id: 'WAITING-LIST' }),
      404,
      'REFERENCE_NOT_FOUND',
    );
  });

  it('finds the services matching the official criteria, and only A&G services for A&G (A010)', async () => {
    const found = await search(officialExample('A010_Request.json'));
    expect(found.entry.map((e) => e.item.identifier.value)).to.include.members(['90636', '90596']);
    const ag = top((p) =>
      p.map((x) =>
        x.name === 'requestType'
          ? { ...x, valueCoding: { code: 'ADVICE_AND_GUIDANCE_REQUEST' } }
          : x,
      ),
    );
    const advice = await search(ag);
    expect(advice.entry.map((e) => e.item.identifier.value)).to.not.include('90282');
  });

  it('answers A010 errors: the criteria rules, codes, patient and role', async () => {
    await rejects(
      search(without('specialty', 'clinicType', 'clinicalTerm', 'namedClinician')),
      422,
      'VALUE_IS_REQUIRED',
    );
    await rejects(search(without('postcode')), 422, 'FIELD_NOT_PERMITTED');
    await rejects(search(without('specialty')), 422, 'FIELD_NOT_PERMITTED');
    await rejects(
      search(
        criteria((c) =>
          c.map((x) =>
            x['name'] === 'priority' ? { ...x, valueCoding: { code: 'TWO_WEEK_WAIT' } } : x,
          ),
        ),
      ),
      422,
      'FIELD_NOT_PERMITTED',
    );
    await rejects(
      search(
        criteria((c) =>
          c.map((x) =>
            x['name'] === 'commissioningProvisioning'
              ? { ...x, valueCoding: { code: 'ALL_SERVICES' } }
              : x,
          ),
        ),
      ),
      422,
      'INAPPROPRIATE_VALUE',
    );
    await rejects(search(without('priority')), 422, 'MISSING_VALUE');
    await rejects(search(without('ageAndGenderAppropriate')), 422, 'MISSING_VALUE');
    await rejects(
      search(
        top((p) =>
          p.map((x) => (x.name === 'sortBy' ? { ...x, valueCoding: { code: 'NAME' } } : x)),
        ),
      ),
      422,
      'INVALID_CODE',
    );
    await rejects(
      search(
        top((p) =>
          p.map((x) =>
            x.name === 'patient'
              ? {
                  ...x,
                  valueIdentifier: {
                    system: 'http://fhir.nhs.net/Id/nhs-number',
                    value: '9434765919',
                  },
                }
              : x,
          ),
        ),
      ),
      422,
      'REFERENCE_NOT_FOUND',
    );
    await rejects(
      search(
        top((p) =>
          p.map((x) => (x.name === 'patient' ? { ...x, valueIdentifier: { value: '1' } } : x)),
        ),
      ),
      422,
      'INVALID_VALUE',
    );
    // An RC may name a referring clinician too (NHS's A010 RcSearchByClinicalTerm example):
    // test/sandbox/contract holds that; only an RCA must.
    await rejects(
      search(officialExample('A010_Request.json'), h.as('REFERRING_CLINICIAN_ADMIN')),
      422,
      'MISSING_VALUE',
    );
    await rejects(search(officialExample('A010_Request.json'), h.provider), 403, 'FORBIDDEN');
  });
});
