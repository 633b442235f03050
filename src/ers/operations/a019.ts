import { z } from 'zod';
import { operation, ubrn } from './common.js';
import { REFERRER_ROLES } from './types.js';

/** A019: the patient letter (PDF) for an unbooked referral. */
export const A019 = operation({
  id: 'A019',
  name: 'Generate patient letter',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.generatePatientLetter'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn }).strict(),
  build: (i) => ({
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.generatePatientLetter`,
    headers: { Accept: 'application/pdf' },
    expect: 'binary',
  }),
  auditType: 'API A019',
  resourceType: 'Referral Request',
});
