import { CODE_SYSTEM, CS, PRIORITY_DISPLAY, SD, SYSTEM, type Priority } from '../ers/systems.js';
import {
  documentId,
  documentReference,
  dynamicCodeSystem,
  practitionerRole,
  roleId,
  shortlistContained,
} from './resources.js';
import { clinicTypeOf, specialtyDisplay } from './reference-data.js';
import type { AdviceRequest, Communication, SandboxState } from './state.js';

/** Pure views of Advice and Guidance state (eRS-CommunicationRequest-1 / eRS-Communication-1, §6.4). */

const ROLE_REF = `${SD}/Extension-PractitionerRole-Reference-1`;
const SERVICE_REF = `${SD}/Extension-HealthcareService-Reference-1`;
export const ADVICE_STATUS_SYSTEM = `${CS}/eRS-AdviceAndGuidanceStatus-1`;
const CONVERSION_DISPLAY = {
  AUTHORISED_TO_CONVERT:
    'Referrer has allowed the Service Provider to convert the Advice and Guidance to a Referral',
  NOT_AUTHORISED_TO_CONVERT:
    'Referrer has not allowed the Service Provider to convert the Advice and Guidance to a Referral',
} as const;

export function communicationRequestResource(
  state: SandboxState,
  a: AdviceRequest,
): Record<string, unknown> {
  const service = state.services.get(a.serviceId);
  const conversion = a.authorisedToConvert ? 'AUTHORISED_TO_CONVERT' : 'NOT_AUTHORISED_TO_CONVERT';
  const referrerId = `PractitionerRole.${roleId(a.referrer)}`;
  const specialty = service?.specialty ?? 'GENERAL_MEDICINE';
  // The files of the referrer's request (its first message) are the request's own (payload).
  const first = state.communications.find((c) => c.ubrn === a.ubrn && c.sentBy === 'REQUESTER');
  const requestFiles = (first?.attachments ?? []).flatMap((id) => {
    const file = state.binaries.get(id);
    return file ? [{ id, file }] : [];
  });
  return {
    resourceType: 'CommunicationRequest',
    id: a.ubrn,
    meta: { versionId: String(a.version), profile: [`${SD}/eRS-CommunicationRequest-1`] },
    extension: [
      {
        url: `${SD}/Extension-eRS-ReferralPriority-1`,
        valueCodeableConcept: {
          coding: [
            {
              system: CODE_SYSTEM.priority,
              code: a.priority,
              display: PRIORITY_DISPLAY[a.priority as Priority],
            },
          ],
        },
      },
      {
        url: `${SD}/Extension-eRS-ProviderConversionAuthorisation-1`,
        valueCoding: {
          system: `${CS}/eRS-ProviderConversionAuthorisation-1`,
          code: conversion,
          display: CONVERSION_DISPLAY[conversion],
        },
      },
      {
        url: `${SD}/Extension-eRS-ReferralShortlist-1`,
        valueReference: { reference: '#shortlist' },
      },
      {
        url: `${SD}/Extension-eRS-Specialty-1`,
        valueCoding: {
          system: dynamicCodeSystem('SPECIALTY'),
          code: specialty,
          display: specialtyDisplay(specialty),
        },
      },
    ],
    contained: [
      ...shortlistContained({
        clinicType: clinicTypeOf(state, a.serviceId),
        priority: a.priority,
        specialty,
        services: [{ id: a.serviceId, name: service?.name ?? a.serviceId }],
      }),
      practitionerRole(a.referrer, referrerId),
      ...requestFiles.map(({ id, file }) =>
        documentReference(file, {
          id: `DocumentReference-${documentId(id)}`,
          type: file.type ?? 'ADVICE_REQUEST',
        }),
      ),
    ],
    ...(requestFiles.length > 0
      ? {
          payload: requestFiles.map(({ id }) => ({
            contentReference: { reference: `#DocumentReference-${documentId(id)}` },
          })),
        }
      : {}),
    identifier: [{ system: SYSTEM.requestId, value: a.requestId }],
    status: a.status,
    category: [{ coding: [{ system: ADVICE_STATUS_SYSTEM, code: a.category }] }],
    subject: { identifier: { system: SYSTEM.nhsNumber, value: a.nhsNumber } },
    recipient: [
      {
        extension: [
          {
            url: SERVICE_REF,
            valueReference: { identifier: { system: SYSTEM.ersService, value: a.serviceId } },
          },
        ],
      },
    ],
    sender: { extension: [{ url: ROLE_REF, valueReference: { reference: `#${referrerId}` } }] },
    requester: {
      agent: { extension: [{ url: ROLE_REF, valueReference: { reference: `#${referrerId}` } }] },
    },
  };
}

/**
 * One message of the conversation. `style` 'included' writes references to the Bundle's included
 * entries (A025); 'contained' puts the PractitionerRole and files inside (A026).
 */
export function communicationResource(
  state: SandboxState,
  c: Communication,
  options: { version: number; style: 'included' | 'contained' },
): Record<string, unknown> {
  const a = state.adviceRequests.get(c.ubrn);
  const sender = roleId(c.sender);
  const contained = options.style === 'contained';
  const roleRef = contained ? `#PractitionerRole.${sender}` : `PractitionerRole/${sender}`;
  const files = c.attachments.flatMap((id) => {
    const file = state.binaries.get(id);
    return file ? [{ id, file }] : [];
  });
  const docRef = (id: string): string =>
    contained ? `#DocumentReference-${documentId(id)}` : `DocumentReference/${documentId(id)}`;
  return {
    resourceType: 'Communication',
    id: c.id,
    meta: { versionId: '0', profile: [`${SD}/eRS-Communication-1`] },
    extension: [
      { url: `${SD}/Extension-Communication-Requester-1`, valueReference: { reference: roleRef } },
    ],
    ...(contained
      ? {
          contained: [
            ...files.map(({ id, file }) =>
              documentReference(file, {
                id: `DocumentReference-${documentId(id)}`,
                type: file.type ?? 'GUIDANCE_RESPONSE',
              }),
            ),
            practitionerRole(c.sender, `PractitionerRole.${sender}`),
          ],
        }
      : {}),
    basedOn: [{ reference: `CommunicationRequest/${c.ubrn}/_history/${options.version}` }],
    status: 'completed',
    category: [{ coding: [{ system: `${CS}/eRS-CommunicationSentBy-1`, code: c.sentBy }] }],
    recipient:
      c.sentBy === 'RESPONDER'
        ? [{ identifier: { system: SYSTEM.odsOrganizationCode, value: a?.referrer.ods ?? '' } }]
        : [
            {
              extension: [
                {
                  url: SERVICE_REF,
                  valueReference: {
                    identifier: { system: SYSTEM.ersService, value: a?.serviceId ?? '' },
                  },
                },
              ],
            },
          ],
    sent: c.sent,
    sender: { extension: [{ url: ROLE_REF, valueReference: { reference: roleRef } }] },
    payload: files.map(({ id }) => ({ contentReference: { reference: docRef(id) } })),
    note: [{ text: c.note }],
  };
}

/** A023 worklist entry: Extension-eRS-AdviceAndGuidanceRequests-WorkListItem-1. */
export function adviceWorklistEntry(
  state: SandboxState,
  a: AdviceRequest,
): Record<string, unknown> {
  const messages = state.communications.filter((c) => c.ubrn === a.ubrn);
  const service = state.services.get(a.serviceId);
  const coded = (url: string, system: string, code: string) => ({
    url,
    valueCodeableConcept: { coding: [{ system, code }] },
  });
  return {
    extension: [
      {
        url: `${SD}/Extension-eRS-AdviceAndGuidanceRequests-WorkListItem-1`,
        extension: [
          coded('category', ADVICE_STATUS_SYSTEM, a.category),
          { url: 'adviceFirstRequested', valueDateTime: messages[0]?.sent ?? '' },
          { url: 'adviceLastUpdated', valueDateTime: messages.at(-1)?.sent ?? '' },
          {
            url: 'referrer',
            valueReference: {
              identifier: { system: SYSTEM.sdsUserId, value: a.referrer.sdsUserId },
            },
          },
          {
            url: 'service',
            valueReference: {
              identifier: { system: SYSTEM.ersService, value: a.serviceId },
              display: service?.name ?? a.serviceId,
            },
          },
          coded(
            'clinicType',
            dynamicCodeSystem('CLINIC-TYPE'),
            service?.clinicTypes?.[0] ?? 'GENERAL_MEDICINE_2',
          ),
          coded('priority', CODE_SYSTEM.priority, a.priority),
          coded(
            'specialty',
            dynamicCodeSystem('SPECIALTY'),
            service?.specialty ?? 'GENERAL_MEDICINE',
          ),
          {
            url: 'patient',
            valueReference: { identifier: { system: SYSTEM.nhsNumber, value: a.nhsNumber } },
          },
          { url: 'communicationRequestVersion', valueInteger: a.version },
        ],
      },
    ],
    item: { reference: `CommunicationRequest/${a.ubrn}` },
  };
}
