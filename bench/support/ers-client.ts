/** The e-RS client the benches call a sandbox with: a referrer's platform token, a quota of their choosing. */
import { platformAuth } from '../../src/ers/auth.js';
import { ErsClient } from '../../src/ers/client.js';

export function benchErsClient(
  sandboxUrl: string,
  options: { requestsPerMinute: number; timeoutMs?: number },
): ErsClient {
  return new ErsClient({
    stu3Base: `${sandboxUrl}/FHIR/STU3`,
    auth: platformAuth({
      mode: 'platform',
      accessToken: 'bench',
      businessFunction: 'REFERRING_CLINICIAN',
      odsCode: 'R69',
    }),
    requestsPerMinute: options.requestsPerMinute,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}
