import { z } from 'zod';
import { ifMatch, ordered, parameterOrder, parameters, ubrn, version } from './common.js';
import { letterFields, letterParameters, shortlist, shortlistFields } from './shortlist.js';
import type { BuildContext, OperationRequest } from './types.js';

/** Logical inputs of A031 (change shortlist) and A032 (change shortlist, send for triage). */
export const ChangeShortlistInputSchema = z
  .object({ ubrn, version, ...shortlistFields, ...letterFields, parameterOrder })
  .strict();
export type ChangeShortlistInput = z.infer<typeof ChangeShortlistInputSchema>;

export function changeShortlistRequest(
  i: ChangeShortlistInput,
  triage: boolean,
  ctx: BuildContext,
): OperationRequest {
  const operation = triage ? 'changeShortlistAndSendForTriage' : 'changeShortlist';
  const profile = triage
    ? 'eRS-ChangeShortlistAndSendForTriage-Request-Parameters-1'
    : 'eRS-ChangeShortlist-Parameters-1';
  return {
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.${operation}`,
    headers: ifMatch(i.version),
    body: parameters(
      profile,
      ordered(
        [{ name: 'shortlist', resource: shortlist(i, ctx) }, ...letterParameters(i)],
        i.parameterOrder,
      ),
    ),
    expect: 'fhir',
  };
}
