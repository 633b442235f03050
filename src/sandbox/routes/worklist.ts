import { Router } from 'express';
import { CODE_SYSTEM, CS, SD, SYSTEM } from '../../ers/systems.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { codeDisplay, REASON_SYSTEM, STATE_DISPLAY } from '../referral-resource.js';
import { dynamicCodeSystem } from '../resources.js';
import type { Referral, SandboxState } from '../state.js';
import { param, parametersOf, type Parameter } from './parameters.js';
import { pendingReview } from './triage.js';

const active = (x: Referral): boolean => x.status === 'active';
/** The provider's lists and the referrer's (eRS-ReferralListSelector-1, NHS's A008 examples). */
const LISTS = {
  REFERRALS_FOR_REVIEW: { on: pendingReview, item: 'ReferralsforReview', provider: true },
  APPOINTMENT_SLOT_ISSUES: {
    on: (x: Referral) => x.state === 'DEFERRED_TO_PROVIDER',
    item: 'AppointmentSlotIssues',
    provider: true,
  },
  REJECTED_TRIAGE_RESPONSE: {
    on: (x: Referral) => x.state === 'REJECTED',
    item: 'RejectedTriageResponse',
    provider: false,
  },
  ASSESSMENT_RETURNED_CANCELLED_DNA: {
    on: (x: Referral) =>
      x.state === 'TRIAGE_RESPONSE' ||
      x.state === 'CANCELLED_REFERRAL' ||
      x.state === 'APPT_CANCELLED_BY_PROVIDER',
    item: 'AssessmentReturnedCancelledDna',
    provider: false,
  },
  AWAITING_BOOKING: {
    on: (x: Referral) => active(x) && x.state === 'NOT_BOOKED',
    item: 'AwaitingBooking',
    provider: false,
  },
  LETTERS_OUTSTANDING: {
    on: (x: Referral) => active(x) && x.letters.length === 0,
    item: 'LettersOutstanding',
    provider: false,
  },
} as const;
type ListType = keyof typeof LISTS;
const isListType = (x: unknown): x is ListType => typeof x === 'string' && Object.hasOwn(LISTS, x);
const REFERRER_ROLES: readonly string[] = [ROLE.RC, ROLE.RCA, 'REFERRING_ADMIN'];

const codeOf = (p: Parameter | undefined): string | undefined =>
  (p?.['valueCodeableConcept'] as { coding?: { code?: string }[] } | undefined)?.coding?.[0]?.code;
const cc = (url: string, system: string, code: string, display?: string) => ({
  url,
  valueCodeableConcept: { coding: [{ system, code, ...(display ? { display } : {}) }] },
});

/** The A008 filter rules (ENDPOINTS.md §5): indicators and the values they govern. */
function filters(params: Parameter[]): {
  service?: string;
  specialty?: string;
  clinician?: string;
} {
  const specialtyIndicator = codeOf(param(params, 'specialtyAssignedIndicator'));
  const specialty = codeOf(param(params, 'specialty'));
  if (specialtyIndicator === 'NOT_ASSIGNED')
    throw new SandboxError(
      422,
      'INVALID_VALUE',
      'specialtyAssignedIndicator NOT_ASSIGNED is not supported',
    );
  if (specialtyIndicator === 'ASSIGNED' && specialty === undefined)
    throw new SandboxError(
      422,
      'MISSING_VALUE',
      'specialty is required when specialtyAssignedIndicator is ASSIGNED',
    );
  if (specialtyIndicator !== 'ASSIGNED' && specialty !== undefined)
    throw new SandboxError(
      422,
      'UNEXPECTED_FIELD',
      'specialty is only allowed with specialtyAssignedIndicator ASSIGNED',
    );
  const clinicianIndicator = codeOf(param(params, 'clinicianAssignedIndicator'));
  const clinician = param(params, 'clinician');
  if (clinicianIndicator === 'ASSIGNED' && !clinician)
    throw new SandboxError(
      422,
      'MISSING_VALUE',
      'clinician is required when clinicianAssignedIndicator is ASSIGNED',
    );
  if (clinicianIndicator !== 'ASSIGNED' && clinician)
    throw new SandboxError(
      422,
      'UNEXPECTED_FIELD',
      'clinician is only allowed with clinicianAssignedIndicator ASSIGNED',
    );
  const service = (param(params, 'service')?.['valueIdentifier'] as { value?: string } | undefined)
    ?.value;
  const clinicianId = (clinician?.['valueIdentifier'] as { value?: string } | undefined)?.value;
  return {
    ...(service === undefined ? {} : { service }),
    ...(specialty === undefined ? {} : { specialty }),
    ...(clinicianId === undefined ? {} : { clinician: clinicianId }),
  };
}

function item(state: SandboxState, x: Referral, list: ListType): Record<string, unknown> {
  const service = state.services.get(x.serviceIds[0] ?? '');
  const common = [
    cc('priority', CODE_SYSTEM.priority, x.priority),
    cc('specialty', dynamicCodeSystem('SPECIALTY'), service?.specialty ?? ''),
    {
      url: 'service',
      valueReference: {
        identifier: { system: SYSTEM.ersService, value: service?.id ?? '' },
        display: service?.name ?? '',
      },
    },
    { url: 'eReferralPathwayStart', valueDateTime: x.pathwayStart ?? x.createdAt },
    { url: 'clinicalInfoPrinted', valueBoolean: false },
  ];
  const review = [
    { url: 'patient', valueReference: { reference: `#Patient-${x.nhsNumber}` } },
    ...(x.allocatedClinician
      ? [
          {
            url: 'allocatedClinician',
            valueReference: { reference: `#Practitioner-${x.allocatedClinician}` },
          },
        ]
      : []),
    cc(
      'requestContextStatus',
      `${CS}/eRS-RequestContextStatus-1`,
      'NEVER_REVIEWED',
      'Never Reviewed',
    ),
    ...(x.letters.length > 0
      ? [{ url: 'clinicalInfoFirstSubmitted', valueDateTime: x.createdAt }]
      : []),
    ...(x.lettersUpdatedAt
      ? [{ url: 'clinicalInfoLastUpdated', valueDateTime: x.lettersUpdatedAt }]
      : []),
    ...(x.appointment?.start
      ? [{ url: 'appointmentStart', valueDateTime: x.appointment.start }]
      : []),
    cc(
      'referralType',
      `${CS}/eRS-ReferralType-1`,
      x.appointment?.status === 'booked' ? 'APPOINTMENT' : 'TRIAGE_DEFERRAL',
    ),
  ];
  const slotIssue = [
    {
      url: 'patient',
      valueReference: { identifier: { system: SYSTEM.nhsNumber, value: x.nhsNumber } },
    },
    { url: 'ubrnReceived', valueDateTime: x.createdAt },
    {
      url: 'patientContactExpected',
      valueDate: new Date(Date.parse(x.createdAt) + 14 * 86_400_000).toISOString().slice(0, 10),
    },
    cc(
      'clinicalInformationStatus',
      `${CS}/eRS-ClinicalInformationStatus-1`,
      x.letters.length > 0 ? 'PRESENT' : 'NOT_DUE',
    ),
    ...(x.allocatedClinician
      ? [
          {
            url: 'namedClinician',
            valueReference: {
              identifier: { system: SYSTEM.sdsUserId, value: x.allocatedClinician },
            },
          },
        ]
      : []),
    cc('reason', CODE_SYSTEM.reviewReason, x.appointment?.reason ?? 'NO_SLOTS_AT_SERVICE'),
  ];
  const url = `${SD}/Extension-eRS-${LISTS[list].item}-WorkListItem-1`;
  if (!LISTS[list].provider)
    return {
      extension: [{ url, extension: referrerItem(state, x, list) }],
      item: { reference: `ReferralRequest/${x.ubrn}` },
    };
  return {
    extension: [
      {
        url,
        extension: [
          ...common,
          ...(list === 'REFERRALS_FOR_REVIEW' ? review : slotIssue),
          // The version an A013/A014/A028 If-Match needs (an integer, as NHS's examples).
          { url: 'referralRequestVersion', valueInteger: x.version },
        ],
      },
    ],
    item: { reference: `ReferralRequest/${x.ubrn}` },
  };
}

/** The facts of a referrer's worklist item (NHS's A008 referrer-list examples). */
function referrerItem(state: SandboxState, x: Referral, list: ListType): Record<string, unknown>[] {
  const service = state.services.get(x.serviceIds[0] ?? '');
  const context = [x.searchCriteria?.specialty ?? service?.specialty, x.searchCriteria?.clinicType]
    .filter((p) => p !== undefined)
    .join('/');
  const reason = x.rejection?.reason ?? x.stateReason ?? x.appointment?.reason;
  return [
    {
      url: 'patient',
      valueReference: { identifier: { system: SYSTEM.nhsNumber, value: x.nhsNumber } },
    },
    cc('priority', CODE_SYSTEM.priority, x.priority),
    { url: 'referralCreated', valueDateTime: x.createdAt },
    { url: 'clinicalContext', valueString: context },
    {
      url: 'referrer',
      valueReference: { identifier: { system: SYSTEM.sdsUserId, value: '021600556514' } },
    },
    { url: 'referralLastUpdated', valueDateTime: x.lettersUpdatedAt ?? x.createdAt },
    ...(list === 'LETTERS_OUTSTANDING'
      ? [{ url: 'letterDue', valueDate: x.createdAt.slice(0, 10) }]
      : [cc('status', CODE_SYSTEM.referralState, x.state, STATE_DISPLAY[x.state])]),
    ...(reason !== undefined && list !== 'LETTERS_OUTSTANDING'
      ? [cc('reason', REASON_SYSTEM(reason), reason, codeDisplay(reason))]
      : []),
  ];
}

/** ENDPOINTS.md §2.6: an application may fetch a service's worklist twice a day. */
export const APP_WORKLIST_CALLS_PER_DAY = 2;

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Pure: seconds from `now` until the next London midnight (when the daily count starts again). */
export function secondsToLondonMidnight(now: Date): number {
  // London is UTC+0 or UTC+1, so its midnight falls on a UTC hour: the first one on a new date.
  const today = londonDate.format(now);
  let hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  do hour += 3_600_000;
  while (londonDate.format(new Date(hour)) === today);
  return Math.ceil((hour - now.getTime()) / 1000);
}

/** A008: the provider worklists (referrals for review; appointment slot issues). */
export function worklistRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/ReferralRequest/\\$ers.fetchworklist',
    allow(state, [ROLE.SPC, ROLE.SPA, ROLE.SPCA, ROLE.APP, ...REFERRER_ROLES]),
    (req, res) => {
      const params = parametersOf(req.body, `${SD}/eRS-FetchWorklist-Parameters-1`);
      const listType = codeOf(param(params, 'listType', true));
      if (!isListType(listType))
        throw new SandboxError(
          422,
          'INVALID_CODE',
          `listType ${listType ?? '(none)'} is not in eRS-ReferralListSelector-1`,
        );
      const referrer = REFERRER_ROLES.includes((res.locals['caller'] as Caller).businessFunction);
      if (referrer === LISTS[listType].provider)
        throw new SandboxError(
          403,
          'FORBIDDEN',
          `listType ${listType} is a ${LISTS[listType].provider ? 'provider' : 'referrer'} worklist`,
          'forbidden',
        );
      const { service, specialty, clinician } = filters(params);
      // An application must name the service, and may ask twice a day per service (§2.6).
      if (service === undefined && (res.locals['caller'] as Caller).businessFunction === ROLE.APP)
        throw new SandboxError(
          422,
          'MISSING_VALUE',
          'service is required on application-restricted calls',
        );
      if (service !== undefined && !state.services.has(service))
        throw new SandboxError(422, 'NO_SUCH_SERVICE', `no service ${service}`);
      if ((res.locals['caller'] as Caller).businessFunction === ROLE.APP && service !== undefined) {
        const now = new Date();
        const key = `${londonDate.format(now)}|${service}`;
        const answered = state.appWorklistCalls.get(key) ?? 0;
        // The quota answer of the STU3 paths: 429 with no body (ENDPOINTS.md §2.3).
        if (answered >= APP_WORKLIST_CALLS_PER_DAY) {
          res
            .status(429)
            .set('Retry-After', String(secondsToLondonMidnight(now)))
            .end();
          return;
        }
        state.appWorklistCalls.set(key, answered + 1);
      }
      const items = [...state.referrals.values()].filter(
        (x) =>
          LISTS[listType].on(x, state.today()) &&
          (clinician === undefined || x.allocatedClinician === clinician) &&
          (service === undefined || x.serviceIds.includes(service)) &&
          (specialty === undefined ||
            state.services.get(x.serviceIds[0] ?? '')?.specialty === specialty),
      );
      const patients = [...new Set(items.map((x) => x.nhsNumber))];
      const clinicians = [...new Set(items.flatMap((x) => x.allocatedClinician ?? []))];
      res.type('application/fhir+json').json({
        resourceType: 'List',
        meta: { profile: [`${SD}/eRS-FetchWorklist-List-1`] },
        ...(listType === 'REFERRALS_FOR_REVIEW'
          ? {
              contained: [
                ...clinicians.map((uid) => ({
                  resourceType: 'Practitioner',
                  id: `Practitioner-${uid}`,
                  meta: { profile: [`${SD}/eRS-Practitioner-1`] },
                  identifier: [{ system: SYSTEM.sdsUserId, value: uid }],
                })),
                ...patients.map((nhs) => ({
                  resourceType: 'Patient',
                  id: `Patient-${nhs}`,
                  meta: { profile: [`${SD}/eRS-Patient-1`] },
                  identifier: [{ system: SYSTEM.nhsNumber, value: nhs }],
                })),
              ],
            }
          : {}),
        status: 'current',
        mode: 'snapshot',
        entry: items.map((x) => item(state, x, listType)),
      });
    },
  );
  return r;
}
