import { Router, type Request } from 'express';
import { CS, PRIORITIES, SD } from '../../ers/systems.js';
import {
  adviceWorklistEntry,
  communicationRequestResource,
  communicationResource,
} from '../advice-resource.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { SandboxError } from '../outcome.js';
import {
  documentId,
  documentReference,
  practitionerRole,
  roleId,
  searchset,
} from '../resources.js';
import type { AdviceRequest, SandboxState } from '../state.js';
import { attachedFiles, linkFiles } from './files.js';
import { checkVersion, param, parametersOf, stringValue } from './parameters.js';
import { assertLatest, assertUnlocked, findAdvice } from './respond.js';

// A024/A025 are open to application-restricted callers (ENDPOINTS.md §2.2).
const READERS = [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA, ROLE.APP];
const PROVIDER = [ROLE.SPC, ROLE.SPCA];
const OUTCOMES = ['REQUIRE_FURTHER_INFORMATION', 'RETURN_TO_REFERRER_WITH_ADVICE'];
const RECOMMENDATIONS = [
  'ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED',
  'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
  'REFERRAL_RECOMMENDED',
  'OTHER',
];
const code = (p: { [k: string]: unknown } | undefined): string | undefined =>
  (p?.['valueCoding'] as { code?: string } | undefined)?.code;

/** Where the caller reached us, for fullUrl and self links. */
const baseOf = (req: Request): string =>
  `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;

/** A&G is "in progress" while the provider owes a response (ENDPOINTS.md §4). */
export function assertAwaitingProvider(a: AdviceRequest): void {
  if (a.status !== 'active' || a.category !== 'PROVIDER_RESPONSE_REQUIRED')
    throw new SandboxError(
      422,
      'INVALID_REQUEST_STATE',
      `Advice and Guidance request ${a.ubrn} is ${a.category}; no provider response is due`,
    );
}

/**
 * A&G priority (A026/A027/A044): a code of eRS-Priority-1; Two Week Wait is refused
 * (UNSUPPORTED_PRIORITY) only where the service says it takes none (NHS's world holds Two Week
 * Wait A&G requests: A023 AdviceAndGuidanceRequests, A005 ConvertedFromAdviceAndGuidance).
 */
export function advicePriority(
  value: string | undefined,
  name: string,
  service: { adviceTwoWeekWait?: boolean | undefined } | undefined,
): string {
  if (value === undefined)
    throw new SandboxError(422, 'MISSING_VALUE', `parameter ${name} is required`);
  if (!(PRIORITIES as readonly string[]).includes(value))
    throw new SandboxError(422, 'INVALID_CODE', `${name} ${value} is not in eRS-Priority-1`);
  if (value === 'TWO_WEEK_WAIT' && service?.adviceTwoWeekWait === false)
    throw new SandboxError(
      422,
      'UNSUPPORTED_PRIORITY',
      'this service takes no Two Week Wait Advice and Guidance',
    );
  return value;
}

/** A023 worklist, A024 summary, A025 conversation, A026 send response. */
export function adviceRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/CommunicationRequest/\\$ers.fetchworklist',
    allow(state, [ROLE.SPC, ROLE.SPA, ROLE.SPCA]),
    (req, res) => {
      const params = parametersOf(req.body, `${SD}/eRS-FetchWorklist-Parameters-1`);
      const listType = (
        param(params, 'listType', true)['valueCodeableConcept'] as
          { coding?: { system?: string; code?: string }[] } | undefined
      )?.coding?.[0];
      if (
        listType?.code !== 'ADVICE_AND_GUIDANCE_REQUESTS' ||
        listType.system !== `${CS}/eRS-CommunicationListSelector-1`
      )
        throw new SandboxError(
          422,
          'INVALID_CODE',
          'listType must be ADVICE_AND_GUIDANCE_REQUESTS of eRS-CommunicationListSelector-1',
        );
      const service = (
        param(params, 'service')?.['valueIdentifier'] as { value?: string } | undefined
      )?.value;
      if (service !== undefined && !state.services.has(service))
        throw new SandboxError(422, 'NO_SUCH_SERVICE', `no service ${service}`);
      const items = [...state.adviceRequests.values()].filter(
        (a) =>
          a.category === 'PROVIDER_RESPONSE_REQUIRED' &&
          (service === undefined || a.serviceId === service),
      );
      res.type('application/fhir+json').json({
        resourceType: 'List',
        meta: { profile: [`${SD}/eRS-FetchWorklist-List-1`] },
        status: 'current',
        mode: 'snapshot',
        entry: items.map((a) => adviceWorklistEntry(state, a)),
      });
    },
  );

  r.get(
    ['/CommunicationRequest/:ubrn', '/CommunicationRequest/:ubrn/_history/:version'],
    allow(state, READERS),
    (req, res) => {
      const a = findAdvice(state, stringValue(req.params['ubrn']));
      assertLatest(stringValue(req.params['version']) || undefined, a.version);
      res
        .set('ETag', `W/"${a.version}"`)
        .type('application/fhir+json')
        .json(communicationRequestResource(state, a));
    },
  );

  r.get('/Communication', allow(state, READERS), (req, res) => {
    const basedOn = stringValue(req.query['based-on']);
    if (basedOn === '')
      throw new SandboxError(400, 'MISSING_PARAMETER', 'based-on is required', 'required');
    const m = /^CommunicationRequest\/(\d{12})\/_history\/(\d+)$/.exec(basedOn);
    if (!m)
      throw new SandboxError(
        400,
        'INVALID_VALUE',
        'based-on must be CommunicationRequest/{ubrn}/_history/{version}',
      );
    const a = state.adviceRequests.get(m[1] ?? '');
    if (!a)
      throw new SandboxError(
        400,
        'NO_SUCH_REQUEST',
        `no Advice and Guidance request ${m[1] ?? ''}`,
      );
    if (m[2] !== String(a.version))
      throw new SandboxError(
        400,
        'HISTORY_NOT_SUPPORTED',
        `version ${m[2] ?? ''} is not the latest (${a.version})`,
      );
    const messages = state.communications.filter((c) => c.ubrn === a.ubrn);
    const roles = new Map(messages.map((c) => [roleId(c.sender), c.sender]));
    const files = messages.flatMap((c) => c.attachments);
    const base = baseOf(req);
    res
      .set('ETag', `W/"${a.version}"`)
      .type('application/fhir+json')
      .json(
        searchset({
          selfUrl: `${base}${req.url}`,
          base,
          total: messages.length,
          entries: [
            ...messages.map((c) => ({
              resource: communicationResource(state, c, { version: a.version, style: 'included' }),
              mode: 'match' as const,
            })),
            ...[...roles.values()].map((role) => ({
              resource: practitionerRole(role, roleId(role)),
              mode: 'include' as const,
            })),
            ...files.flatMap((id) => {
              const file = state.binaries.get(id);
              return file
                ? [
                    {
                      resource: documentReference(file, {
                        id: documentId(id),
                        type: file.type ?? 'ADVICE_REQUEST',
                      }),
                      mode: 'include' as const,
                    },
                  ]
                : [];
            }),
          ],
        }),
      );
  });

  r.post(
    '/CommunicationRequest/:ubrn/\\$ers.sendCommunicationToRequester',
    allow(state, PROVIDER),
    (req, res) => {
      const a = findAdvice(state, stringValue(req.params['ubrn']));
      assertUnlocked(state, a.ubrn);
      checkVersion(req.get('if-match'), a.version);
      const params = parametersOf(
        req.body,
        `${SD}/eRS-SendCommunicationToRequester-Request-Parameters-1`,
      );
      const guidance = stringValue(param(params, 'guidance', true)['valueString']);
      if (guidance.length === 0 || guidance.length > 8000)
        throw new SandboxError(422, 'INVALID_VALUE', 'guidance must be 1–8000 characters');
      const priority = advicePriority(
        code(param(params, 'updatedPriority', true)),
        'updatedPriority',
        state.services.get(a.serviceId),
      );
      const outcome = code(param(params, 'guidanceOutcome', true)) ?? '';
      if (!OUTCOMES.includes(outcome))
        throw new SandboxError(
          422,
          'INVALID_CODE',
          `guidanceOutcome ${outcome} is not allowed here`,
        );
      const recommendation = code(param(params, 'guidanceIntendedRecommendation'));
      if (outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && recommendation === undefined)
        throw new SandboxError(
          422,
          'VALUE_IS_REQUIRED',
          'guidanceIntendedRecommendation is required with RETURN_TO_REFERRER_WITH_ADVICE',
        );
      if (outcome !== 'RETURN_TO_REFERRER_WITH_ADVICE' && recommendation !== undefined)
        throw new SandboxError(
          422,
          'INAPPROPRIATE_VALUE',
          'guidanceIntendedRecommendation is only for RETURN_TO_REFERRER_WITH_ADVICE',
        );
      if (recommendation !== undefined && !RECOMMENDATIONS.includes(recommendation))
        throw new SandboxError(
          422,
          'INVALID_CODE',
          `guidanceIntendedRecommendation ${recommendation}`,
        );
      const files = attachedFiles(state, params, {
        name: 'guidanceAttachmentFile',
        type: 'GUIDANCE_RESPONSE',
        ubrn: a.ubrn,
      });
      assertAwaitingProvider(a);
      linkFiles(state, files, {
        ubrn: a.ubrn,
        type: 'GUIDANCE_RESPONSE',
        params,
        name: 'guidanceAttachmentFile',
      });
      const caller = res.locals['caller'] as Caller;
      a.priority = priority;
      a.category =
        outcome === 'RETURN_TO_REFERRER_WITH_ADVICE'
          ? 'REFERRER_TO_REVIEW_RESPONSE'
          : 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION';
      a.version += 1;
      const created = {
        id: state.newCommunicationId(),
        ubrn: a.ubrn,
        sentBy: 'RESPONDER' as const,
        sender: { sdsUserId: caller.user, ods: caller.ods, businessFunction: ROLE.SPC },
        sent: new Date().toISOString(),
        note: guidance,
        attachments: files,
      };
      state.communications.push(created);
      // No ETag on A026 (ENDPOINTS.md §2.5): the new version is in updatedCommunicationRequest.
      res.type('application/fhir+json').json({
        resourceType: 'Parameters',
        meta: { profile: [`${SD}/eRS-SendCommunicationToRequester-Response-Parameters-1`] },
        parameter: [
          { name: 'updatedCommunicationRequest', resource: communicationRequestResource(state, a) },
          {
            name: 'createdCommunication',
            resource: communicationResource(state, created, {
              version: a.version,
              style: 'contained',
            }),
          },
        ],
      });
    },
  );
  return r;
}
