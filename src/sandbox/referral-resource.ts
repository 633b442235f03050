import {
  CODE_SYSTEM,
  EXTENSION,
  PROFILE,
  PRIORITY_DISPLAY,
  SYSTEM,
  type Priority,
} from '../ers/systems.js';
import type { Referral } from './state.js';

/** Pure: the eRS-ReferralRequest-1 view of a sandbox referral (shape of A021_Response + state). */
export function referralResource(r: Referral): Record<string, unknown> {
  return {
    resourceType: 'ReferralRequest',
    id: r.ubrn,
    meta: { versionId: String(r.version), profile: [PROFILE.referralRequest] },
    extension: [
      {
        url: EXTENSION.referralPriority,
        valueCodeableConcept: {
          coding: [
            {
              system: CODE_SYSTEM.priority,
              code: r.priority,
              display: PRIORITY_DISPLAY[r.priority as Priority],
            },
          ],
        },
      },
      {
        url: EXTENSION.referralState,
        extension: [
          { url: 'state', valueCoding: { system: CODE_SYSTEM.referralState, code: r.state } },
        ],
      },
    ],
    identifier: [{ system: SYSTEM.requestId, value: r.requestId }],
    status: r.status,
    intent: 'plan',
    subject: { identifier: { system: SYSTEM.nhsNumber, value: r.nhsNumber } },
    supportingInfo: r.letters.map((id) => ({ reference: `#DocumentReference-${id}` })),
    contained: r.letters.map((id) => ({
      resourceType: 'DocumentReference',
      id: `DocumentReference-${id}`,
      meta: { profile: [PROFILE.documentReference] },
      status: 'current',
      type: {
        coding: [{ system: CODE_SYSTEM.attachmentType, code: 'REFERRER', display: 'Referrer' }],
      },
      content: [{ attachment: { url: `Binary/${id}` } }],
    })),
  };
}
