/**
 * A real sandbox on a free port and two e-RS clients against it (a referrer and a provider, by
 * platform business function), reset before each test. Shared by the client's sandbox tests.
 */
import { ErsClient } from '../../../src/ers/client.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.js';

export const platformAs = (businessFunction: string, odsCode = 'R69') =>
  platformAuth({ mode: 'platform', accessToken: 't', businessFunction, odsCode });

export interface SandboxClients {
  readonly sandbox: RunningSandbox;
  readonly referrer: ErsClient;
  readonly provider: ErsClient;
  /** A client of the same sandbox with other credentials. */
  client(auth: ReturnType<typeof platformAs>): ErsClient;
}

/** Registers mocha hooks; read the fields inside tests (they are set in `before`). */
export function useSandboxClients(timeoutMs = 5000): SandboxClients {
  const live: { sandbox?: RunningSandbox; referrer?: ErsClient; provider?: ErsClient } = {};
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useSandboxClients: used before its before() hook ran');
    return v;
  };
  const client = (auth: ReturnType<typeof platformAs>): ErsClient =>
    new ErsClient({
      stu3Base: `${must(live.sandbox).url}/FHIR/STU3`,
      auth,
      requestsPerMinute: 60_000,
      timeoutMs,
    });
  before(async () => {
    live.sandbox = await startSandbox({ port: 0 });
    live.referrer = client(platformAs('REFERRING_CLINICIAN'));
    live.provider = client(platformAs('SERVICE_PROVIDER_CLINICIAN'));
  });
  after(() => live.sandbox?.close());
  beforeEach(() => {
    live.sandbox?.state.reset();
  });
  return {
    get sandbox() {
      return must(live.sandbox);
    },
    get referrer() {
      return must(live.referrer);
    },
    get provider() {
      return must(live.provider);
    },
    client,
  };
}
