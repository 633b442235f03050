import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { PRIORITIES, SD } from '../../ers/systems.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { clinicalSummaryPdf } from '../clinical-pdf.js';
import { SandboxError } from '../outcome.js';
import type { Referral, SandboxState } from '../state.js';
import { advicePriority, assertAwaitingProvider } from './advice.js';
import { attachedFiles, linkFiles } from './files.js';
import { checkVersion, param, parametersOf, stringValue, type Parameter } from './parameters.js';
import { referralResource } from '../referral-resource.js';
import { assertUnlocked, findReferral, sendReferral } from './respond.js';

const PROVIDER = [ROLE.SPC, ROLE.SPCA];
const REVIEW_OUTCOMES = ['ACCEPT_REFER_BOOK_LATER', 'RETURN_TO_REFERRER_WITH_ADVICE'];
const code = (p: Parameter | undefined): string | undefined =>
  (p?.['valueCoding'] as { code?: string } | undefined)?.code;

function comments(params: Parameter[], name: string): string {
  const text = stringValue(param(params, name, true)['valueString']);
  if (text.length === 0 || text.length > 2000)
    throw new SandboxError(422, 'INVALID_VALUE', `${name} must be 1–2000 characters`);
  return text;
}

/** A028: the provider's review of a triage or deferred referral (ENDPOINTS.md §5). */
function recordReviewOutcome(state: SandboxState, ref: Referral, params: Parameter[]): void {
  const outcome = code(param(params, 'reviewOutcome', true)) ?? '';
  if (!REVIEW_OUTCOMES.includes(outcome))
    throw new SandboxError(422, 'INVALID_CODE', `reviewOutcome ${outcome} is not allowed here`);
  const text = comments(params, 'reviewComments');
  const priority = code(param(params, 'reviewPriority'));
  if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority))
    throw new SandboxError(
      422,
      'INVALID_CODE',
      `reviewPriority ${priority} is not in eRS-Priority-1`,
    );
  if (outcome === 'ACCEPT_REFER_BOOK_LATER' && priority === undefined)
    throw new SandboxError(422, 'VALUE_IS_REQUIRED', 'reviewPriority is required to accept');
  if (
    outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' &&
    priority !== undefined &&
    priority !== ref.priority
  )
    throw new SandboxError(
      422,
      'PRIORITY_NOT_CURRENT',
      `reviewPriority must stay ${ref.priority} when returning to the referrer`,
    );
  const files = attachedFiles(state, params, {
    name: 'reviewAttachmentFile',
    type: 'PROVIDER',
    ubrn: ref.ubrn,
  });
  if (ref.state !== 'AWAITING_TRIAGE' && ref.state !== 'DEFERRED_TO_PROVIDER')
    throw new SandboxError(
      422,
      'INVALID_REQUEST_STATE',
      `referral is ${ref.state}; only one awaiting triage or deferred to the provider has a review due`,
    );
  linkFiles(state, files, {
    ubrn: ref.ubrn,
    type: 'PROVIDER',
    params,
    name: 'reviewAttachmentFile',
  });
  ref.otherFiles.push(...files);
  ref.priority = priority ?? ref.priority;
  ref.state =
    outcome === 'ACCEPT_REFER_BOOK_LATER' ? 'TRIAGED_PROVIDER_TO_ACTION' : 'TRIAGE_RESPONSE';
  ref.appointment = {
    id: ref.appointment?.id ?? state.newAppointmentId(),
    status: 'proposed',
    serviceId: ref.serviceIds[0] ?? '',
    reason: outcome,
    comment: text,
  };
  ref.version += 1;
}

/** What the caller may do next with a referral (A029, eRS-AvailableActionsForUser-1). */
export function availableActions(ref: Referral, provider: boolean): string[] {
  if (ref.status !== 'active' || ref.state === 'CANCELLED_REFERRAL') return [];
  if (provider)
    return ref.state === 'AWAITING_TRIAGE' || ref.state === 'DEFERRED_TO_PROVIDER'
      ? ['RECORD_REVIEW_OUTCOME']
      : [];
  switch (ref.state) {
    case 'NOT_BOOKED':
      return [
        'CREATE_APPOINTMENT',
        'CHANGE_SHORTLIST',
        'CHANGE_SHORTLIST_AND_SEND_FOR_TRIAGE',
        'CANCEL_REFERRAL',
      ];
    case 'BOOKED':
      return ['CANCEL_DIRECTLY_BOOKED_APPOINTMENT', 'CANCEL_REFERRAL'];
    default:
      return ['CANCEL_REFERRAL'];
  }
}

const ACTION_DISPLAY: Record<string, string> = {
  RECORD_REVIEW_OUTCOME: 'Record Review Outcome',
  CANCEL_REFERRAL: 'Cancel Referral',
  CANCEL_DIRECTLY_BOOKED_APPOINTMENT: 'Cancel Directly Booked Appointment',
  CREATE_APPOINTMENT: 'Create Appointment',
  CHANGE_SHORTLIST: 'Change Shortlist',
  CHANGE_SHORTLIST_AND_SEND_FOR_TRIAGE: 'Change Shortlist and Send for Triage',
};

/** A027 convert A&G to a referral, A028 record review outcome, A029 available actions. */
export function reviewRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/ReferralRequest/\\$ers.createFromCommunicationRequestActionLater',
    allow(state, PROVIDER),
    async (req, res) => {
      const params = parametersOf(
        req.body,
        `${SD}/eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1`,
      );
      const from = (
        param(params, 'createFrom', true)['valueReference'] as { reference?: string } | undefined
      )?.reference;
      const m = /^CommunicationRequest\/(\d{12})\/_history\/(\d+)$/.exec(from ?? '');
      if (!m)
        throw new SandboxError(
          422,
          'INVALID_VALUE',
          'createFrom must be CommunicationRequest/{ubrn}/_history/{version}',
        );
      const a = state.adviceRequests.get(m[1] ?? '');
      if (!a)
        throw new SandboxError(
          404,
          'NO_SUCH_REQUEST',
          `no Advice and Guidance request ${m[1] ?? ''}`,
        );
      assertUnlocked(state, a.ubrn);
      if (m[2] !== String(a.version))
        throw new SandboxError(
          409,
          'VERSION_CONFLICT',
          `version ${m[2] ?? ''} is not the latest (${a.version})`,
        );
      const guidance = stringValue(param(params, 'guidance', true)['valueString']);
      if (guidance.length === 0 || guidance.length > 8000)
        throw new SandboxError(422, 'INVALID_VALUE', 'guidance must be 1–8000 characters');
      const priority = advicePriority(
        code(param(params, 'newReferralPriority', true)),
        'newReferralPriority',
        state.services.get(a.serviceId),
      );
      const reviewComments = comments(params, 'reviewComments');
      const guidanceFiles = attachedFiles(state, params, {
        name: 'guidanceAttachmentFile',
        type: 'GUIDANCE_RESPONSE',
        ubrn: a.ubrn,
      });
      const reviewFiles = attachedFiles(state, params, {
        name: 'reviewAttachmentFile',
        type: 'PROVIDER',
        ubrn: a.ubrn,
      });
      assertAwaitingProvider(a);
      if (!a.authorisedToConvert)
        throw new SandboxError(
          422,
          'INVALID_REQUEST_STATE',
          'the referrer has not authorised conversion to a referral',
        );
      linkFiles(state, guidanceFiles, {
        ubrn: a.ubrn,
        type: 'GUIDANCE_RESPONSE',
        params,
        name: 'guidanceAttachmentFile',
      });
      linkFiles(state, reviewFiles, {
        ubrn: a.ubrn,
        type: 'PROVIDER',
        params,
        name: 'reviewAttachmentFile',
      });
      const now = new Date();
      const conversation = state.communications
        .filter((c) => c.ubrn === a.ubrn)
        .map((c) => `${c.sent} ${c.sentBy}: ${c.note}`)
        .join('\n');
      // e-RS attaches the whole conversation as a PDF to the new referral (ENDPOINTS.md §4).
      const pdf = await clinicalSummaryPdf(state, {
        ubrn: a.ubrn,
        nhsNumber: a.nhsNumber,
        priority,
        serviceId: a.serviceId,
        status: 'Converted from Advice and Guidance',
        notes: `${conversation}\nGuidance: ${guidance}`,
        files: [...guidanceFiles, ...reviewFiles],
        now,
      });
      const pdfId = randomUUID();
      state.binaries.set(pdfId, {
        id: pdfId,
        fileName: `Advice and guidance conversation - ${a.ubrn}.pdf`,
        contentType: 'application/pdf',
        data: pdf,
        intendedUbrn: a.ubrn,
        linkedTo: a.ubrn,
        addedAt: now.toISOString(),
        addedBy: (res.locals['caller'] as Caller).user,
        type: 'REFERRER',
      });
      a.category = 'ADVICE_CONVERTED';
      a.status = 'completed';
      a.version += 1;
      const conversationFiles = [
        ...new Set(
          state.communications.filter((c) => c.ubrn === a.ubrn).flatMap((c) => c.attachments),
        ),
      ].filter((id) => state.binaries.has(id));
      const referral: Referral = {
        ubrn: a.ubrn,
        version: a.version,
        state: 'TRIAGED_PROVIDER_TO_ACTION',
        status: 'active',
        nhsNumber: a.nhsNumber,
        priority,
        serviceIds: [a.serviceId],
        requestId: state.newRequestId(),
        createdAt: now.toISOString(),
        letters: [pdfId],
        // The A&G conversation's own attachments come with it (ENDPOINTS.md §4: supportingInfo).
        otherFiles: [...conversationFiles, ...guidanceFiles, ...reviewFiles],
        // Files attached on converting update the clinical information (NHS's WithAttachments
        // answer has ClinicalInfoLastUpdated, its NoAttachments answer not).
        ...(guidanceFiles.length + reviewFiles.length > 0
          ? { lettersUpdatedAt: now.toISOString() }
          : {}),
        fromAdvice: true,
        appointment: {
          id: state.newAppointmentId(),
          status: 'proposed',
          serviceId: a.serviceId,
          reason: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER',
          comment: reviewComments,
        },
      };
      state.referrals.set(referral.ubrn, referral);
      const attached = guidanceFiles.length + reviewFiles.length > 0;
      res
        .status(201)
        .set('ETag', `W/"${referral.version}"`)
        .type('application/fhir+json')
        .json(
          attached
            ? withNestedCriteria(referralResource(state, referral))
            : referralResource(state, referral),
        );
    },
  );

  r.post(
    '/ReferralRequest/:ubrn/\\$ers.recordReviewOutcome',
    allow(state, [...PROVIDER, ROLE.APP]),
    (req, res) => {
      const ref = findReferral(state, stringValue(req.params['ubrn']));
      assertUnlocked(state, ref.ubrn);
      checkVersion(req.get('if-match'), ref.version);
      recordReviewOutcome(
        state,
        ref,
        parametersOf(req.body, `${SD}/eRS-RecordReviewOutcome-Parameters-1`),
      );
      sendReferral(state, res, ref);
    },
  );

  r.get('/Task', allow(state, [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA, ROLE.APP]), (req, res) => {
    const focus = stringValue(req.query['focus']);
    if (focus === '')
      throw new SandboxError(400, 'MISSING_PARAMETER', 'focus is required', 'required');
    const m = /^ReferralRequest\/(\d{12})\/_history\/(\d+)$/.exec(focus);
    if (!m)
      throw new SandboxError(
        400,
        'INVALID_VALUE',
        'focus must be ReferralRequest/{ubrn}/_history/{version}',
      );
    if (
      stringValue(req.query['intent']) !== 'proposal' ||
      stringValue(req.query['status']) !== 'ready'
    )
      throw new SandboxError(
        400,
        'INVALID_VALUE',
        'intent must be proposal and status must be ready',
      );
    const ref = state.referrals.get(m[1] ?? '');
    if (!ref) throw new SandboxError(400, 'REFERENCE_NOT_FOUND', `no referral ${m[1] ?? ''}`);
    if (m[2] !== String(ref.version))
      throw new SandboxError(
        400,
        'HISTORY_NOT_SUPPORTED',
        `version ${m[2] ?? ''} is not the latest (${ref.version})`,
      );
    const caller = res.locals['caller'] as Caller;
    const provider = caller.businessFunction.startsWith('SERVICE_PROVIDER');
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const tasks = availableActions(ref, provider).map((action) => {
      const id = randomUUID();
      return {
        fullUrl: `${base}/Task/${id}`,
        resource: {
          resourceType: 'Task',
          id,
          meta: {
            profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Task-1'],
          },
          status: 'ready',
          intent: 'proposal',
          focus: { reference: focus },
          code: {
            coding: [
              {
                system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AvailableActionsForUser-1',
                code: action,
                display: ACTION_DISPLAY[action] ?? action,
              },
            ],
          },
        },
        search: { mode: 'match' },
      };
    });
    // Never cached (ENDPOINTS.md §5 A029): the actions change with every write.
    res
      .set('Cache-Control', 'no-store')
      .type('application/fhir+json')
      .json({
        resourceType: 'Bundle',
        id: randomUUID(),
        meta: {
          lastUpdated: new Date().toISOString(),
          profile: ['http://hl7.org/fhir/STU3/StructureDefinition/Bundle'],
        },
        type: 'searchset',
        link: [{ relation: 'self', url: `${base}${req.url}` }],
        entry: tasks,
      });
  });
  return r;
}

/**
 * The platform's A027 answer for a conversion with attachments (NHS's WithAttachments.json) also
 * nests the search criteria Parameters inside the contained shortlist List, besides keeping them
 * at the top; its answer without attachments does not. Clients must read both, so ours answers as
 * the platform does (FHIR itself forbids contained resources inside contained ones).
 */
function withNestedCriteria(resource: Record<string, unknown>): Record<string, unknown> {
  const contained = (resource['contained'] ?? []) as Record<string, unknown>[];
  const criteria = contained.find((c) => c['id'] === 'serviceSearchCriteria');
  if (criteria === undefined) return resource;
  return {
    ...resource,
    contained: contained.map((c) =>
      c['id'] === 'shortlist' ? { ...c, contained: [criteria] } : c,
    ),
  };
}
