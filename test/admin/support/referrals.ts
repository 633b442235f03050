/**
 * An admin harness running channel `pas-referrals` (HTTP in, the shipped REF^I12 → A021
 * mapping, a file out), and the referral that fails in it until the service table learns its
 * code: the set-up of the mapping-fix and mapping-version tests.
 */
import { eventually } from '../../support/engine-harness.js';
import {
  UNKNOWN_SERVICE_HL7,
  copyShippedMappings,
  postHl7,
  referralsChannel,
  sourcePort,
} from '../../support/mapping-fixtures.js';
import { startAdminHarness, type AdminHarness } from './admin-harness.js';
import type { Client } from './http-client.js';

export { addUnknownService } from '../../support/mapping-fixtures.js';

/** Control id (MSH-10) the failing referral is sent with. */
const CONTROL_ID = 'PAS0000999';

export function startReferralsHarness(
  options: { readonly name?: string } = {},
): Promise<AdminHarness> {
  return startAdminHarness({
    channels: { 'pas.yaml': referralsChannel(options) },
    prepare: copyShippedMappings,
  });
}

/** Sends the referral with a service code the table does not know; it ends in ERROR. */
export async function postUnknownService(h: AdminHarness): Promise<void> {
  await postHl7(sourcePort(h.engine, 'pas-referrals'), UNKNOWN_SERVICE_HL7, {
    'x-message-id': CONTROL_ID,
  });
}

/** Waits (through the API) until that referral is stored in ERROR: its message id. */
export function erroredUnknownService(api: Client): Promise<number> {
  return eventually(async () => {
    const page = (await api.get(`/api/messages?controlId=${CONTROL_ID}&status=ERROR`)).json<{
      messages: { id: number }[];
    }>();
    return page.messages[0]?.id;
  });
}
