/**
 * A real sandbox on a free port and two e-RS clients against it (a referrer and a provider, by
 * platform business function), reset before each test. Shared by the client's sandbox tests.
 */
import { ErsClient } from '../../../src/ers/client.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.js';

/** What A015 needs besides the service: the referral's priority and Commissioning-Rule-Org. */
export const slotSearch = { priority: 'ROUTINE', commissioningRuleOrg: 'R69' } as const;

export const platformAs = (businessFunction: string, odsCode = 'R69') =>
  platformAuth({ mode: 'platform', accessToken: 't', businessFunction, odsCode });

export interface SandboxClients {
  readonly sandbox: RunningSandbox;
  readonly referrer: ErsClient;
  readonly provider: ErsClient;
  /** A client of the same sandbox with other credentials. */
  client(auth: ReturnType<typeof platformAs>): ErsClient;
  /** A011 by the referrer: a routine referral to directly bookable service 10000; its output. */
  createDirect(): Promise<Record<string, string>>;
  /** A015 by the referrer: the first five slots of service 10000, as the bundle answered. */
  slots(): Promise<SlotBundle>;
}

// A type literal, not an interface: it casts from the client's Record<string, unknown> resource.
export type SlotBundle = {
  readonly total: number;
  readonly entry: { resource: { resourceType: string; id: string; start: string; end: string } }[];
};

/** The first Slot of an A015 bundle (the bundle also holds the schedule). */
export function firstSlotOf(bundle: SlotBundle): SlotBundle['entry'][number]['resource'] {
  const slot = bundle.entry.find((e) => e.resource.resourceType === 'Slot')?.resource;
  if (slot === undefined) throw new Error('the A015 answer holds no Slot');
  return slot;
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
    live.sandbox = await startSandbox({ port: 0, world: 'legacy' });
    live.referrer = client(platformAs('REFERRING_CLINICIAN'));
    live.provider = client(platformAs('SERVICE_PROVIDER_CLINICIAN'));
  });
  after(() => live.sandbox?.close());
  beforeEach(() => {
    live.sandbox?.state.reset();
  });
  const referrer = (): ErsClient => must(live.referrer);
  return {
    get sandbox() {
      return must(live.sandbox);
    },
    get referrer() {
      return referrer();
    },
    get provider() {
      return must(live.provider);
    },
    client,
    async createDirect() {
      const created = await referrer().execute('A011', {
        nhsNumber: '9912003888',
        priority: 'ROUTINE',
        serviceIds: ['10000'],
      });
      return created.output;
    },
    async slots() {
      const answer = await referrer().execute('A015', {
        serviceId: '10000',
        count: 5,
        ...slotSearch,
      });
      return answer.resource as SlotBundle;
    },
  };
}
