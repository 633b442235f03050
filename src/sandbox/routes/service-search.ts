import { Router } from 'express';
import { CS, PRIORITIES, SD, SYSTEM } from '../../ers/systems.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { codeSystemAnswer } from '../nhs-reference.js';
import { CODE_SYSTEM_TYPES, sandboxConcepts, type CodeSystemType } from '../reference-data.js';
import { dynamicCodeSystem } from '../resources.js';
import type { SeedService } from '../seed.js';
import type { SandboxState } from '../state.js';
import { param, parametersOf, type Parameter } from './parameters.js';

const coding = (p: Parameter | undefined) =>
  p?.['valueCoding'] as { system?: string; code?: string } | undefined;
const identifier = (p: Parameter | undefined) =>
  p?.['valueIdentifier'] as { system?: string; value?: string } | undefined;
const fail = (code: string, message: string): never => {
  throw new SandboxError(422, code, message);
};

/** A010 criteria rules of ENDPOINTS.md §5; returns the criteria parameters. */
function criteriaOf(params: Parameter[], caller: Caller): Parameter[] {
  const requestType = coding(param(params, 'requestType', true))?.code;
  if (requestType !== 'APPOINTMENT_REQUEST' && requestType !== 'ADVICE_AND_GUIDANCE_REQUEST')
    fail('INVALID_CODE', `requestType ${requestType ?? ''} is not in eRS-RequestType-1`);
  const sortBy = coding(param(params, 'sortBy', true))?.code;
  if (sortBy !== 'DISTANCE' && sortBy !== 'IWT')
    fail('INVALID_CODE', `sortBy ${sortBy ?? ''} is not in eRS-SortBy-1`);
  const clinician = param(params, 'referringClinician');
  if (caller.businessFunction === ROLE.RCA && !clinician)
    fail('MISSING_VALUE', 'referringClinician is required when an RCA searches');
  // An RC may name one too (NHS's A010 RcSearchByClinicalTerm example); only an RCA must.
  if (
    requestType === 'ADVICE_AND_GUIDANCE_REQUEST' &&
    param(params, 'commissioningRuleOrganisation')
  )
    fail(
      'FIELD_NOT_PERMITTED',
      'commissioningRuleOrganisation is not allowed for Advice and Guidance',
    );
  const criteria = param(params, 'searchCriteria', true)['resource'] as
    { parameter?: Parameter[] } | undefined;
  const c = criteria?.parameter ?? [];
  const priority = coding(param(c, 'priority'))?.code;
  if (priority === undefined) fail('MISSING_VALUE', 'searchCriteria priority is required');
  if (!(PRIORITIES as readonly (string | undefined)[]).includes(priority))
    fail('INVALID_CODE', `priority ${priority ?? ''} is not in eRS-Priority-1`);
  if (param(c, 'ageAndGenderAppropriate') === undefined)
    fail('MISSING_VALUE', 'searchCriteria ageAndGenderAppropriate is required');
  const has = (name: string) => param(c, name) !== undefined;
  if (!((has('specialty') && has('clinicType')) || has('clinicalTerm') || has('namedClinician')))
    fail('VALUE_IS_REQUIRED', 'give specialty and clinicType, a clinicalTerm or a namedClinician');
  if (has('clinicType') && !has('specialty'))
    fail('FIELD_NOT_PERMITTED', 'clinicType needs a specialty');
  if (has('distanceLimit') && !has('postcode'))
    fail('FIELD_NOT_PERMITTED', 'distanceLimit needs a postcode');
  if (has('indicativeAppointmentWaitTimeLimit') && priority === 'TWO_WEEK_WAIT')
    fail(
      'FIELD_NOT_PERMITTED',
      'indicativeAppointmentWaitTimeLimit is not allowed for Two Week Wait',
    );
  if (coding(param(c, 'commissioningProvisioning'))?.code === 'ALL_SERVICES')
    fail('INAPPROPRIATE_VALUE', 'commissioningProvisioning ALL_SERVICES is not allowed');
  return c;
}

function summary(s: SeedService, requestType: string): Record<string, unknown> {
  const cc = (url: string, system: string, code: string) => ({
    url,
    valueCodeableConcept: { coding: [{ system, code }] },
  });
  const flows = [
    ...(s.adviceAndGuidance ? ['ADVICE_AND_GUIDANCE_REQUEST'] : []),
    ...(s.kind === 'TRIAGE'
      ? ['TRIAGE_REQUEST']
      : s.kind === 'ADVICE_ONLY'
        ? []
        : ['APPOINTMENT_REQUEST']),
  ];
  const bookable =
    s.kind === 'DIRECTLY_BOOKABLE' || s.kind === 'INDIRECTLY_BOOKABLE' ? s.kind : 'UNSPECIFIED';
  return {
    extension: [
      {
        url: `${SD}/Extension-eRS-ServiceSearch-ListItem-1`,
        extension: [
          { url: 'displayProminently', valueBoolean: false },
          { url: 'distance', valueUnsignedInt: 7 },
          s.waitDays === undefined || requestType === 'ADVICE_AND_GUIDANCE_REQUEST'
            ? cc('indicativeAppointmentWaitTime', `${CS}/eRS-IWT-1`, 'NOT_APPLICABLE')
            : { url: 'indicativeAppointmentWaitTime', valueUnsignedInt: s.waitDays },
        ],
      },
    ],
    item: {
      identifier: { system: SYSTEM.ersService, value: s.id },
      extension: [
        {
          url: `${SD}/Extension-eRS-ServiceSummaryView-1`,
          extension: [
            { url: 'serviceName', valueString: s.name },
            cc('specialty', dynamicCodeSystem('SPECIALTY'), s.specialty),
            cc('genderTreated', `${CS}/eRS-GenderTreated-1`, 'MALE_AND_FEMALE'),
            cc('bookableType', `${CS}/eRS-BookableType-1`, bookable),
            ...(s.kind === 'TRIAGE'
              ? []
              : [
                  cc('supportedAppointmentType', `${CS}/eRS-AppointmentType-1`, 'FIRST_OUTPATIENT'),
                ]),
            { url: 'referralLetterRequired', valueBoolean: s.letterRequired ?? true },
            {
              url: 'location',
              valueReference: {
                identifier: { system: SYSTEM.odsOrganisation, value: s.location?.ods ?? s.ods },
                display: s.location?.name ?? s.name,
              },
            },
            {
              url: 'linkToNHSWebsite',
              valueString: `https://www.nhs.uk/service-search/other-services/chooseandbook?serviceId=${s.id}`,
            },
            ...flows.map((f) => cc('supportedRequestFlowType', `${CS}/eRS-RequestFlowType-1`, f)),
          ],
        },
      ],
    },
  };
}

/** A004 reference data and A010 patient service search. */
export function serviceSearchRoutes(state: SandboxState): Router {
  const r = Router();
  r.get(
    '/CodeSystem/:type',
    allow(state, [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA, ROLE.APP]),
    (req, res) => {
      const type = String(req.params['type']);
      if (!(CODE_SYSTEM_TYPES as readonly string[]).includes(type))
        throw new SandboxError(
          404,
          'REFERENCE_NOT_FOUND',
          `no reference data ${type}; this sandbox holds ${CODE_SYSTEM_TYPES.join(', ')}`,
          'not-found',
        );
      res
        .type('application/fhir+json')
        .json(codeSystemAnswer(type as CodeSystemType, sandboxConcepts(type as CodeSystemType)));
    },
  );
  r.post(
    '/HealthcareService/\\$ers.searchHealthcareServicesForPatient',
    allow(state, [ROLE.RC, ROLE.RCA]),
    (req, res) => {
      const params = parametersOf(req.body, `${SD}/eRS-PatientServiceSearch-Parameters-1`);
      const c = criteriaOf(params, res.locals['caller'] as Caller);
      const patient = identifier(param(params, 'patient', true));
      if (patient?.system !== SYSTEM.nhsNumber || !/^\d{10}$/.test(patient.value ?? ''))
        fail('INVALID_VALUE', `patient must be a 10-digit identifier of ${SYSTEM.nhsNumber}`);
      if (!state.patients.has(patient?.value ?? ''))
        fail('REFERENCE_NOT_FOUND', 'patient not found');
      const requestType = coding(param(params, 'requestType'))?.code ?? '';
      const specialty = coding(param(c, 'specialty'))?.code;
      const clinicType = coding(param(c, 'clinicType'))?.code;
      const organisation = identifier(param(c, 'organisation'))?.value;
      const waitLimit = param(c, 'indicativeAppointmentWaitTimeLimit')?.['valueUnsignedInt'] as
        number | undefined;
      // A clinical term alone finds the services listing it; beside a specialty it only refines.
      const term = specialty === undefined ? coding(param(c, 'clinicalTerm'))?.code : undefined;
      const found = [...state.services.values()].filter(
        (s) =>
          (specialty === undefined || s.specialty === specialty) &&
          (clinicType === undefined ||
            s.clinicTypes === undefined ||
            s.clinicTypes.includes(clinicType)) &&
          (organisation === undefined || organisation === '' || s.ods === organisation) &&
          (requestType === 'ADVICE_AND_GUIDANCE_REQUEST'
            ? s.adviceAndGuidance === true
            : s.kind !== 'ADVICE_ONLY') &&
          (waitLimit === undefined || s.waitDays === undefined || s.waitDays <= waitLimit) &&
          (term === undefined || (s.clinicalTerms ?? []).includes(term)),
      );
      res.type('application/fhir+json').json({
        resourceType: 'List',
        meta: { profile: [`${SD}/eRS-FetchServices-List-1`] },
        status: 'current',
        mode: 'snapshot',
        entry: found.map((s) => summary(s, requestType)),
        ...(found.length === 0
          ? {
              emptyReason: {
                coding: [
                  {
                    system: 'http://hl7.org/fhir/ValueSet/list-empty-reason',
                    code: 'nilknown',
                    display: 'no results',
                  },
                ],
              },
            }
          : {}),
      });
    },
  );
  return r;
}
