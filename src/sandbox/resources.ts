import { CODE_SYSTEM, PROFILE, SD, CS, SYSTEM } from '../ers/systems.js';
import type { Role, StoredBinary } from './state.js';

/** Pure builders of the small resources several sandbox answers share (ENDPOINTS.md §6). */

export const ATTACHMENT_DISPLAY: Record<string, string> = {
  REFERRER: 'Referrer',
  PROVIDER: 'Provider',
  ADVICE_REQUEST: 'Advice Request',
  GUIDANCE_RESPONSE: 'Guidance Response',
};

/**
 * Dynamic code systems (A004: SPECIALTY, CLINIC-TYPE, APPOINTMENT-CANCELLATION-REASON…) live
 * under each environment's own base as `{base}/STU3/CodeSystem/{ID}` (the `url` A004 returns).
 * NHS's hosted sandbox answers with the literal base `_baseUrl_` (its A004 mocks), and the client
 * sends that spelling to a sandbox by default, so ours answers the same; any base is accepted on
 * input (isDynamicCodeSystem), as INT and live use their own.
 */
export const CODE_SYSTEM_BASE = '_baseUrl_';
export const dynamicCodeSystem = (id: string): string =>
  `${CODE_SYSTEM_BASE}/STU3/CodeSystem/${id}`;
/** `{any base}/STU3/CodeSystem/{id}`, or the legacy classic `…/STU3/v1/CodeSystem/{id}`. */
export const isDynamicCodeSystem = (system: unknown, id: string): boolean =>
  typeof system === 'string' && new RegExp(`/STU3/(v1/)?CodeSystem/${id}$`).test(system);

export const PRACTITIONER_ROLE_PROFILE =
  'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-PractitionerRole-1';

/** e-RS ids DocumentReferences by the file's own number: att-98888-99120 → 99120. */
export const documentId = (fileId: string): string => /^att-\d+-(\d+)$/.exec(fileId)?.[1] ?? fileId;

/** An eRS-DocumentReference-1 for a stored file, with the attachment details e-RS adds. */
export function documentReference(
  file: StoredBinary,
  options: { id: string; type: string },
): Record<string, unknown> {
  return {
    resourceType: 'DocumentReference',
    id: options.id,
    meta: { profile: [PROFILE.documentReference] },
    status: 'current',
    type: {
      coding: [
        {
          system: CODE_SYSTEM.attachmentType,
          code: options.type,
          display: ATTACHMENT_DISPLAY[options.type] ?? options.type,
        },
      ],
    },
    indexed: file.addedAt,
    description: file.description ?? '',
    content: [
      {
        attachment: {
          id: documentId(file.id),
          extension: [
            {
              url: `${SD}/Extension-eRS-AvailabilityStatus-1`,
              valueCoding: {
                system: `${CS}/eRS-AvailabilityStatus-1`,
                code: file.availability ?? 'AVAILABLE',
              },
            },
            {
              url: `${SD}/Extension-eRS-AttachedBy-1`,
              valueReference: { identifier: { system: SYSTEM.sdsUserId, value: file.addedBy } },
            },
            {
              url: `${SD}/Extension-eRS-AttachedByOrganisation-1`,
              valueReference: {
                identifier: {
                  system: SYSTEM.odsOrganizationCode,
                  value: file.attachedByOrganisation ?? 'R69',
                },
              },
            },
            ...(file.attachedOnBehalfOf
              ? [
                  {
                    url: `${SD}/Extension-eRS-AttachedOnBehalfOf-1`,
                    valueReference: {
                      identifier: { system: SYSTEM.sdsUserId, value: file.attachedOnBehalfOf },
                    },
                  },
                ]
              : []),
          ],
          contentType: file.contentType,
          url: `Binary/${file.id}`,
          size: file.data.length,
          title: file.fileName,
          creation: file.addedAt.slice(0, 10),
        },
      },
    ],
  };
}

/** PractitionerRole id as e-RS writes it: `<sds>.<ODS>.<BUSINESS-FUNCTION with hyphens>`. */
export const roleId = (r: Role): string =>
  `${r.sdsUserId}.${r.ods}.${r.businessFunction.replaceAll('_', '-')}`;

export function practitionerRole(r: Role, id: string): Record<string, unknown> {
  return {
    resourceType: 'PractitionerRole',
    id,
    meta: { profile: [PRACTITIONER_ROLE_PROFILE] },
    practitioner: { identifier: { system: SYSTEM.sdsUserId, value: r.sdsUserId } },
    organization: { identifier: { system: SYSTEM.odsOrganizationCode, value: r.ods } },
    code: [{ coding: [{ system: `${CS}/eRS-BusinessFunction-1`, code: r.businessFunction }] }],
  };
}

/** The contained search criteria + one-service-or-more shortlist of referrals and A&G requests. */
export function shortlistContained(options: {
  priority: string;
  specialty: string;
  clinicType?: string | undefined;
  postcode?: string | undefined;
  distanceLimit?: number | undefined;
  services: readonly { id: string; name: string }[];
}): Record<string, unknown>[] {
  return [
    {
      resourceType: 'Parameters',
      id: 'serviceSearchCriteria',
      meta: { profile: [PROFILE.serviceSearchCriteria] },
      parameter: [
        { name: 'priority', valueCoding: { system: CODE_SYSTEM.priority, code: options.priority } },
        {
          name: 'specialty',
          valueCoding: { system: dynamicCodeSystem('SPECIALTY'), code: options.specialty },
        },
        ...(options.clinicType
          ? [
              {
                name: 'clinicType',
                valueCoding: { system: CODE_SYSTEM.clinicType, code: options.clinicType },
              },
            ]
          : []),
        // Referrals made outside a recorded search carry a nominal one (the sandbox's own postcode).
        { name: 'organisation', valueIdentifier: { system: SYSTEM.odsOrganisation, value: '' } },
        { name: 'postcode', valueString: options.postcode ?? 'LS1 4HR' },
        { name: 'distanceLimit', valueUnsignedInt: options.distanceLimit ?? 999 },
        { name: 'ageAndGenderAppropriate', valueBoolean: true },
        {
          name: 'commissioningProvisioning',
          valueCoding: {
            system: CODE_SYSTEM.commissioningProvisioning,
            code: 'ALL_AVAILABLE_FOR_BOOKING',
          },
        },
      ],
    },
    {
      resourceType: 'List',
      id: 'shortlist',
      meta: { profile: [PROFILE.shortlist] },
      extension: [
        {
          url: `${SD}/Extension-eRS-Shortlist-SearchCriteria-1`,
          valueReference: { reference: '#serviceSearchCriteria' },
        },
      ],
      status: 'current',
      mode: 'snapshot',
      entry: options.services.map((s) => ({
        item: { identifier: { system: SYSTEM.ersService, value: s.id }, display: s.name },
      })),
    },
  ];
}

/** A searchset Bundle as e-RS answers A015/A025/A029 (random id, lastUpdated, self link). */
export function searchset(options: {
  selfUrl: string;
  base: string;
  entries: { resource: Record<string, unknown>; mode: 'match' | 'include' }[];
  total?: number;
}): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    meta: {
      lastUpdated: new Date().toISOString(),
      profile: ['http://hl7.org/fhir/STU3/StructureDefinition/Bundle'],
    },
    type: 'searchset',
    ...(options.total === undefined ? {} : { total: options.total }),
    link: [{ relation: 'self', url: options.selfUrl }],
    entry: options.entries.map((e) => ({
      fullUrl: `${options.base}/${String(e.resource['resourceType'])}/${String(e.resource['id'])}`,
      resource: e.resource,
      search: { mode: e.mode },
    })),
  };
}
