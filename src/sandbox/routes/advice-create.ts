import { Router } from 'express';
import { SD, SYSTEM } from '../../ers/systems.js';
import { communicationRequestResource, communicationResource } from '../advice-resource.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { clinicalSummaryPdf, pdfName } from '../clinical-pdf.js';
import { SandboxError } from '../outcome.js';
import type { AdviceRequest, Communication, SandboxState } from '../state.js';
import { advicePriority } from './advice.js';
import { attachedFiles, linkFiles } from './files.js';
import { param, parametersOf, stringValue } from './parameters.js';
import { findAdvice } from './respond.js';

const REQUEST_PROFILE = `${SD}/eRS-CreateAdviceAndGuidance-Request-Parameters-1`;
const RESPONSE_PROFILE = `${SD}/eRS-CreateAdviceAndGuidance-Response-Parameters-1`;
const CONVERSION = ['AUTHORISED_TO_CONVERT', 'NOT_AUTHORISED_TO_CONVERT'];

interface ShortlistBody {
  entry?: { item?: { identifier?: { value?: string } } }[];
  contained?: { parameter?: { name: string; valueCoding?: { code?: string } }[] }[];
}

/**
 * A044: a referrer asks one Advice and Guidance service for advice about a known patient. An RCA
 * names the referring clinician it acts for; the service must take A&G requests; the request text
 * is 1–8000 characters; files are ADVICE_REQUEST uploads (requestAttachmentFile).
 */
function createAdvice(
  state: SandboxState,
  params: ReturnType<typeof parametersOf>,
  caller: Caller,
): { advice: AdviceRequest; message: Communication } {
  const patient = param(params, 'patient', true)['valueIdentifier'] as
    { system?: string; value?: string } | undefined;
  if (patient?.system !== SYSTEM.nhsNumber || !state.patients.has(patient.value ?? ''))
    throw new SandboxError(422, 'REFERENCE_NOT_FOUND', 'patient not found');
  const conversion = (
    param(params, 'providerConversionAuthorisation', true)['valueCoding'] as
      { code?: string } | undefined
  )?.code;
  if (conversion === undefined || !CONVERSION.includes(conversion))
    throw new SandboxError(
      422,
      'INVALID_CODE',
      `providerConversionAuthorisation ${conversion ?? '(none)'} is not in eRS-ProviderConversionAuthorisation-1`,
    );
  const clinician = (
    param(params, 'referringClinician')?.['valueIdentifier'] as { value?: string } | undefined
  )?.value;
  if (caller.businessFunction === ROLE.RCA && clinician === undefined)
    throw new SandboxError(422, 'MISSING_VALUE', 'referringClinician is required for an RCA');
  const list = param(params, 'shortlist', true)['resource'] as ShortlistBody | undefined;
  const ids = (list?.entry ?? []).map((e) => e.item?.identifier?.value ?? '');
  if (ids.length !== 1)
    throw new SandboxError(422, 'TOO_MANY_ITEMS', 'an A&G request goes to exactly one service');
  const serviceId = ids[0] ?? '';
  const service = state.services.get(serviceId);
  if (!service)
    throw new SandboxError(422, 'REFERENCE_NOT_FOUND', `service ${serviceId} not found`);
  if (service.adviceAndGuidance !== true)
    throw new SandboxError(
      422,
      'INAPPROPRIATE_VALUE',
      `service ${serviceId} takes no Advice and Guidance requests`,
    );
  const priority = advicePriority(
    list?.contained?.[0]?.parameter?.find((p) => p.name === 'priority')?.valueCoding?.code,
    'priority',
    service,
  );
  const text = stringValue(param(params, 'request', true)['valueString']);
  if (text.length === 0 || text.length > 8000)
    throw new SandboxError(422, 'INVALID_VALUE', 'request must be 1–8000 characters');
  const ubrn = state.newUbrn();
  const files = attachedFiles(state, params, {
    name: 'requestAttachmentFile',
    type: 'ADVICE_REQUEST',
    ubrn,
  });
  const referrer = {
    sdsUserId: clinician ?? caller.user,
    ods: caller.ods,
    businessFunction: ROLE.RC,
  };
  const advice: AdviceRequest = {
    ubrn,
    version: 1,
    category: 'PROVIDER_RESPONSE_REQUIRED',
    status: 'active',
    nhsNumber: patient.value ?? '',
    priority,
    serviceId,
    authorisedToConvert: conversion === 'AUTHORISED_TO_CONVERT',
    referrer,
    requestId: `a.${crypto.randomUUID()}`,
  };
  state.adviceRequests.set(ubrn, advice);
  linkFiles(state, files, { ubrn, type: 'ADVICE_REQUEST', params, name: 'requestAttachmentFile' });
  // An RCA attaches on behalf of the clinician it acts for (AttachedOnBehalfOf).
  for (const id of files) {
    const file = state.binaries.get(id);
    if (file && clinician !== undefined && caller.businessFunction === ROLE.RCA)
      file.attachedOnBehalfOf = clinician;
  }
  const message: Communication = {
    id: state.newCommunicationId(),
    ubrn,
    sentBy: 'REQUESTER',
    sender: referrer,
    sent: new Date().toISOString(),
    note: text,
    attachments: files,
  };
  state.communications.push(message);
  return { advice, message };
}

/** A043 A&G overview PDF and A044 create an A&G request. */
export function adviceCreateRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/CommunicationRequest/\\$ers.createAdviceAndGuidance',
    allow(state, [ROLE.RC, ROLE.RCA]),
    (req, res) => {
      const params = parametersOf(req.body, REQUEST_PROFILE);
      const { advice, message } = createAdvice(state, params, res.locals['caller'] as Caller);
      res.type('application/fhir+json').json({
        resourceType: 'Parameters',
        meta: { profile: [RESPONSE_PROFILE] },
        parameter: [
          {
            name: 'createdCommunicationRequest',
            resource: communicationRequestResource(state, advice),
          },
          {
            name: 'createdCommunication',
            resource: communicationResource(state, message, {
              version: advice.version,
              style: 'contained',
            }),
          },
        ],
      });
    },
  );
  r.post(
    '/CommunicationRequest/:ubrn/\\$ers.generateCRI',
    allow(state, [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA]),
    async (req, res) => {
      const a = findAdvice(state, stringValue(req.params['ubrn']));
      const messages = state.communications.filter((c) => c.ubrn === a.ubrn);
      const now = new Date();
      const pdf = await clinicalSummaryPdf(state, {
        ubrn: a.ubrn,
        nhsNumber: a.nhsNumber,
        priority: a.priority,
        serviceId: a.serviceId,
        status: a.category,
        notes: messages.map((m) => `${m.sentBy}: ${m.note}`).join('\n'),
        files: messages.flatMap((m) => m.attachments),
        now,
      });
      res
        .type('application/pdf')
        .set(
          'Content-Disposition',
          `attachment; filename="${pdfName(a.ubrn, 'Advice_And_Guidance', now)}"`,
        )
        .send(pdf);
    },
  );
  return r;
}
