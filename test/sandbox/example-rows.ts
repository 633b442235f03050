/** The rows of examples.test.ts: one per official example file, with the call that exercises it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { officialExample } from '../support/fhir-shape.js';
import type { Harness, Json } from './support.js';

export const FOLDER = join(import.meta.dirname, '..', 'fixtures', 'ers-examples');
const raw = (name: string): string => readFileSync(join(FOLDER, name), 'utf8');
export const SPC = 'SERVICE_PROVIDER_CLINICIAN';
const RC = 'REFERRING_CLINICIAN';

interface Answer {
  status: number;
  body: unknown;
}
export interface Row {
  files: string[];
  run(h: Harness): Promise<Answer>;
  /** Official response to compare with; absent when the folder has none. */
  response?: unknown;
  status: number;
}

async function fhir(
  h: Harness,
  options: {
    as: string;
    method: 'GET' | 'POST' | 'PUT';
    path: string;
    body?: unknown;
    ifMatch?: string;
  },
): Promise<Answer> {
  const client = h.as(options.as);
  try {
    const body = await client.request(options.path, {
      method: options.method,
      ...(options.body === undefined ? {} : { body: options.body }),
      options: {
        headers: {
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/fhir+json' }),
          ...(options.ifMatch ? { 'If-Match': `W/"${options.ifMatch}"` } : {}),
        },
      },
    });
    return { status: h.Client.httpFor(body).response?.status ?? 0, body };
  } catch (error) {
    const r = (error as { response?: { status: number; data: unknown } }).response;
    return { status: r?.status ?? 0, body: r?.data };
  }
}

async function session(
  h: Harness,
  method: 'POST' | 'PUT',
  body: string,
  key = '',
): Promise<Answer> {
  const res = await fetch(`${h.sandbox.url}/v1/ProfessionalSession${key ? `/${key}` : ''}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      XAPI_ASID: '200000000001',
      HTTP_X_SESSION_KEY: key,
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const worklist = (selector: string, code: string): Json => ({
  resourceType: 'Parameters',
  meta: {
    profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1'],
  },
  parameter: [
    {
      name: 'listType',
      valueCodeableConcept: {
        coding: [{ system: `https://fhir.nhs.uk/STU3/CodeSystem/${selector}`, code }],
      },
    },
  ],
});

const post = (as: string, path: string, body?: unknown, ifMatch?: string) => (h: Harness) =>
  fhir(h, { as, method: 'POST', path, body, ...(ifMatch ? { ifMatch } : {}) });
const get = (as: string, path: string) => (h: Harness) => fhir(h, { as, method: 'GET', path });

export const ROWS: Row[] = [
  {
    files: ['A001_Request.json', 'A001_Response.json'],
    response: officialExample('A001_Response.json'),
    status: 201,
    run: (h) => session(h, 'POST', raw('A001_Request.json')),
  },
  {
    // A002_Request is published without the comma before "permission": repaired here.
    files: ['A002_Request.json', 'A002_Response.json'],
    response: officialExample('A002_Response.json'),
    status: 200,
    run: async (h) => {
      const created = (await session(h, 'POST', raw('A001_Request.json'))).body as { id: string };
      return session(
        h,
        'PUT',
        raw('A002_Request.json').replace(/"\s*\n"permission"/, '",\n"permission"'),
        created.id,
      );
    },
  },
  {
    files: ['A004_Response_Specialty.json'],
    response: officialExample('A004_Response_Specialty.json'),
    status: 200,
    run: get(RC, 'CodeSystem/SPECIALTY'),
  },
  {
    files: ['A004_Response_Clinic_Type.json'],
    response: officialExample('A004_Response_Clinic_Type.json'),
    status: 200,
    run: get(RC, 'CodeSystem/CLINIC-TYPE'),
  },
  {
    files: ['A004_Response_Canx_Reason.json'],
    response: officialExample('A004_Response_Canx_Reason.json'),
    status: 200,
    run: get(SPC, 'CodeSystem/APPOINTMENT-CANCELLATION-REASON'),
  },
  {
    files: ['A005_Response.json'],
    response: officialExample('A005_Response.json'),
    status: 200,
    run: get(SPC, 'ReferralRequest/000000098888'),
  },
  {
    files: ['A008_Request.json', 'A008_Response.json'],
    response: officialExample('A008_Response.json'),
    status: 200,
    run: post(SPC, 'ReferralRequest/$ers.fetchworklist', officialExample('A008_Request.json')),
  },
  {
    // A008_Response_ASI has an unquoted system value (line 77): repaired here.
    files: ['A008_Response_ASI.json'],
    response: JSON.parse(
      raw('A008_Response_ASI.json').replace(
        '"system": http://fhir.nhs.net/Id/sds-user-id,',
        '"system": "http://fhir.nhs.net/Id/sds-user-id",',
      ),
    ),
    status: 200,
    run: async (h) => {
      await post(RC, 'Appointment', officialExample('A016_Request_DEFER.json'))(h);
      return post(
        SPC,
        'ReferralRequest/$ers.fetchworklist',
        worklist('eRS-ReferralListSelector-1', 'APPOINTMENT_SLOT_ISSUES'),
      )(h);
    },
  },
  {
    files: ['A010_Request.json', 'A010_Response.json'],
    response: officialExample('A010_Response.json'),
    status: 200,
    run: post(
      RC,
      'HealthcareService/$ers.searchHealthcareServicesForPatient',
      officialExample('A010_Request.json'),
    ),
  },
  {
    files: ['A011_Request.json', 'A011_Response.json'],
    response: officialExample('A011_Response.json'),
    status: 201,
    run: post(RC, 'ReferralRequest/$ers.createReferral', officialExample('A011_Request.json')),
  },
  {
    files: ['A012_Request.json', 'A012_Response.json'],
    response: officialExample('A012_Response.json'),
    status: 200,
    run: post(
      RC,
      'ReferralRequest/000000097366/$ers.maintainReferralLetter',
      officialExample('A012_Request.json'),
      '5',
    ),
  },
  {
    files: ['A013_Response.json'],
    response: officialExample('A013_Response.json'),
    status: 200,
    run: post(SPC, 'ReferralRequest/000000098879/$ers.acceptReferral', undefined, '10'),
  },
  {
    files: ['A014_Request_IBS.json', 'A014_Response.json'],
    response: officialExample('A014_Response.json'),
    status: 200,
    run: post(
      SPC,
      'ReferralRequest/000000098880/$ers.rejectReferral',
      officialExample('A014_Request_IBS.json'),
      '9',
    ),
  },
  {
    files: ['A014_Request_DBS.json'],
    response: officialExample('A014_Response.json'),
    status: 200,
    run: post(
      SPC,
      'ReferralRequest/000000098881/$ers.rejectReferral',
      officialExample('A014_Request_DBS.json'),
      '9',
    ),
  },
  {
    files: ['A015_Response.json'],
    response: officialExample('A015_Response.json'),
    status: 200,
    run: get(
      RC,
      'Slot?schedule.actor:HealthcareService=70000&appointmentType=ROUTINE&_count=5&status=free&_include=Slot:schedule',
    ),
  },
  {
    // A016_Response_BOOK is published without its final "}": repaired here.
    files: ['A016_Request_BOOK.json', 'A016_Response_BOOK.json'],
    response: JSON.parse(`${raw('A016_Response_BOOK.json')}}`),
    status: 201,
    run: post(RC, 'Appointment', officialExample('A016_Request_BOOK.json')),
  },
  {
    files: ['A016_Request_DEFER.json', 'A016_Response_DEFER.json'],
    response: officialExample('A016_Response_DEFER.json'),
    status: 201,
    run: post(RC, 'Appointment', officialExample('A016_Request_DEFER.json')),
  },
  {
    files: ['A021_Request.json', 'A021_Response.json'],
    response: officialExample('A021_Response.json'),
    status: 201,
    run: post(
      RC,
      'ReferralRequest/$ers.createReferralAndSendForTriage',
      officialExample('A021_Request.json'),
    ),
  },
  {
    files: ['A021_Request_Sample_1.json', 'A021_Response_Sample_1.json'],
    response: officialExample('A021_Response_Sample_1.json'),
    status: 201,
    run: post(
      RC,
      'ReferralRequest/$ers.createReferralAndSendForTriage',
      officialExample('A021_Request_Sample_1.json'),
    ),
  },
  // No official A022 response is published: the answer is the referral, checked below.
  {
    files: ['A022_Request.json'],
    response: officialExample('A005_Response.json'),
    status: 200,
    run: post(
      SPC,
      'ReferralRequest/000000070003/$ers.cancelAppointmentActionLater',
      officialExample('A022_Request.json'),
      '10',
    ),
  },
  {
    files: ['A023_Response.json'],
    response: officialExample('A023_Response.json'),
    status: 200,
    run: post(
      SPC,
      'CommunicationRequest/$ers.fetchworklist',
      worklist('eRS-CommunicationListSelector-1', 'ADVICE_AND_GUIDANCE_REQUESTS'),
    ),
  },
  {
    files: ['A024_Response.json'],
    response: officialExample('A024_Response.json'),
    status: 200,
    run: get(RC, 'CommunicationRequest/000000070001'),
  },
  {
    files: ['A025_Response.json'],
    response: officialExample('A025_Response.json'),
    status: 200,
    run: get(
      RC,
      'Communication?based-on=CommunicationRequest/000000070001/_history/6&_include=Communication:requester-practitionerrole:PractitionerRole&_include=Communication:sender-practitionerrole:PractionerRole&_include=Communication:content-reference:DocumentReference',
    ),
  },
  {
    files: ['A026_Request.json', 'A026_Response.json'],
    response: officialExample('A026_Response.json'),
    status: 200,
    run: post(
      SPC,
      'CommunicationRequest/000000102287/$ers.sendCommunicationToRequester',
      officialExample('A026_Request.json'),
      '5',
    ),
  },
  {
    files: ['A027_Request.json', 'A027_Response.json'],
    response: officialExample('A027_Response.json'),
    status: 201,
    run: post(
      SPC,
      'ReferralRequest/$ers.createFromCommunicationRequestActionLater',
      officialExample('A027_Request.json'),
    ),
  },
  {
    files: ['A028_Request.json', 'A028_Response.json'],
    response: officialExample('A028_Response.json'),
    status: 200,
    run: post(
      SPC,
      'ReferralRequest/000000103946/$ers.recordReviewOutcome',
      officialExample('A028_Request.json'),
      '6',
    ),
  },
  {
    files: ['A029_Response.json'],
    response: officialExample('A029_Response.json'),
    status: 200,
    run: get(
      SPC,
      'Task?focus=ReferralRequest/000000103946/_history/6&intent=proposal&status=ready',
    ),
  },
  // Pre-R9.1 requests (OperationDefinition profile, contentSensitive): refused as e-RS now would.
  {
    files: ['createreferral_request.json'],
    status: 422,
    run: post(
      RC,
      'ReferralRequest/$ers.createReferral',
      officialExample('createreferral_request.json'),
    ),
  },
  {
    files: ['createreferral_request_withPathway.json'],
    status: 422,
    run: post(
      RC,
      'ReferralRequest/$ers.createReferral',
      officialExample('createreferral_request_withPathway.json'),
    ),
  },
  {
    files: ['createReferralAndSendForTriage_request.json'],
    status: 422,
    run: post(
      RC,
      'ReferralRequest/$ers.createReferralAndSendForTriage',
      officialExample('createReferralAndSendForTriage_request.json'),
    ),
  },
  // The pre-R9.1 service search answer had `restricted`/`unaccredited` flags e-RS has since removed.
  {
    files: ['serviceSearch_response.json'],
    status: 200,
    run: post(
      RC,
      'HealthcareService/$ers.searchHealthcareServicesForPatient',
      officialExample('A010_Request.json'),
    ),
  },
];
