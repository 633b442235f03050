import { expect } from 'chai';
import { decideSettlement, referralFacts } from '../../src/destinations/ers/settle.js';
import { platformAuth } from '../../src/ers/auth.js';
import { ErsClient } from '../../src/ers/client.js';
import type { RunningEngine } from '../../src/main/run.js';
import type { StoredMessage } from '../../src/core/store-types.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';

const FINAL = new Set(['SENT', 'NEEDS_REVIEW', 'ERROR', 'DEAD']);

const channel = (operation: string) => `id: ${operation.toLowerCase()}
source: { type: http, host: 127.0.0.1, port: 0 }
destinations:
  - { name: ers, type: ers, operation: ${operation} }
retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`;

interface Fault {
  readonly drop?: string;
  readonly status?: number;
  readonly applyFirst?: boolean;
}

/** The ambiguous fault classes: the request is applied, the answer is lost or replaced. */
const APPLIED_THEN_LOST: Record<string, Fault> = {
  'connection dropped after applying': { drop: 'after' },
  'no answer until the client times out': { drop: 'hang-after' },
  'a 504 after applying': { status: 504, applyFirst: true },
  'a 502 after applying': { status: 502, applyFirst: true },
};

describe('engine: unknown e-RS outcomes settled by reading the referral back (issue 16)', () => {
  let h: Harness;
  let running: RunningEngine;
  let sandbox: string;
  let referrer: ErsClient;

  beforeEach(async () => {
    h = createHarness();
    h.writeChannel('a016.yaml', channel('A016'));
    h.writeChannel('a013.yaml', channel('A013'));
    running = await h.start('sandbox: { enabled: true, port: 0 }\ners: { timeoutMs: 1500 }\n');
    sandbox = running.engine.services.sandbox?.url ?? '';
    referrer = new ErsClient({
      stu3Base: `${sandbox}/FHIR/STU3`,
      auth: platformAuth({
        mode: 'platform',
        accessToken: 't',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      }),
      requestsPerMinute: 60_000,
      timeoutMs: 5000,
    });
  });
  afterEach(() => h.cleanup());

  const fault = (f: Fault | undefined) =>
    fetch(`${sandbox}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(f === undefined ? {} : { failNext: [f] }),
    });

  const post = async (op: string, body: Record<string, unknown>): Promise<StoredMessage> => {
    const info = running.engine.channels().find((c) => c.id === op.toLowerCase());
    const res = await fetch(`http://127.0.0.1:${endpointPort(info?.source?.endpoint)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { id } = (await res.json()) as { id: number };
    return eventually(async () => {
      const m = await running.store.get(id);
      return m !== undefined && FINAL.has(m.status) ? m : undefined;
    }, 20_000);
  };

  /** A new referral of the referrer and the first free slot of its service. */
  const bookable = async () => {
    const created = await referrer.execute('A011', {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      serviceIds: ['11000'],
    });
    const slots = (
      await referrer.execute('A015', {
        serviceId: '11000',
        count: 5,
        priority: 'ROUTINE',
        commissioningRuleOrg: 'R69',
      })
    ).resource as {
      entry: { resource: { resourceType: string; id: string; start: string; end: string } }[];
    };
    const slot = slots.entry.find((e) => e.resource.resourceType === 'Slot')?.resource;
    return {
      ubrn: created.output['ubrn'],
      version: created.output['version'],
      serviceId: '11000',
      nhsNumber: '9912003888',
      action: 'book',
      slotId: slot?.id,
      start: slot?.start,
      end: slot?.end,
    };
  };

  const bookings = async (ubrn: unknown) => {
    const state = (await (await fetch(`${sandbox}/_sandbox/requests`)).json()) as
      | { method: string; path: string; body?: { incomingReferral?: { reference?: string }[] } }[]
      | { requests: { method: string; path: string; body?: unknown }[] };
    const list = Array.isArray(state) ? state : state.requests;
    return list.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/Appointment' &&
        JSON.stringify(r.body).includes(String(ubrn)),
    ).length;
  };

  for (const [name, f] of Object.entries(APPLIED_THEN_LOST)) {
    it(`finishes an A016 booking as SENT when ${name}, without booking twice`, async () => {
      const input = await bookable();
      await fault(f);
      const m = await post('A016', input);
      expect(m.status, JSON.stringify(m.error)).to.equal('SENT');
      expect(await bookings(input.ubrn)).to.equal(1);
      const results = m.destinationResults as { ers: { output: Record<string, unknown> } };
      expect(results.ers.output).to.deep.include({ settled: 'applied', ubrn: input.ubrn });
      const history = await running.store.attemptHistory(m.id);
      expect(history.map((a) => [a.destination, a.outcome])).to.deep.equal([['ers', 'SENT']]);
      expect(history[0]?.request).to.have.property('path', '/Appointment');
    });
  }

  it('retries an A016 whose connection dropped before e-RS applied it, once settled as not applied', async () => {
    const input = await bookable();
    await fault({ drop: 'before' });
    const m = await post('A016', input);
    expect(m.status, JSON.stringify(m.error)).to.equal('SENT');
    const history = await running.store.attemptHistory(m.id);
    expect(history.map((a) => a.outcome)).to.deep.equal(['QUEUED', 'SENT']);
    expect(history[0]?.error?.context?.['settlement']).to.deep.include({ outcome: 'not-applied' });
  });

  it('settles an A013 acceptance answered 502 after it was applied', async () => {
    const input = await bookable();
    const booked = await post('A016', input);
    const version = (booked.destinationResults as { ers: { output: { version: string } } }).ers
      .output.version;
    await fault({ status: 502, applyFirst: true });
    const m = await post('A013', { ubrn: input.ubrn, version });
    expect(m.status, JSON.stringify(m.error)).to.equal('SENT');
    expect((await referrer.execute('A005', { ubrn: input.ubrn })).output['version']).to.not.equal(
      version,
    );
  });
});

describe('settlement decision (pure)', () => {
  const referral = (version: number, state: string, appointment?: string) =>
    referralFacts({
      resourceType: 'ReferralRequest',
      meta: { versionId: String(version) },
      extension: [{ url: 'x', extension: [{ url: 'state', valueCoding: { code: state } }] }],
      contained:
        appointment === undefined ? [] : [{ resourceType: 'Appointment', status: appointment }],
    });
  const decide = (operation: string, sent: number, r: ReturnType<typeof referral>) =>
    decideSettlement({ operation, sentVersion: sent, referral: r, sentRequest: {} }).outcome;

  it('says not applied while the version is the one the update named', () => {
    expect(decide('A014', 4, referral(4, 'BOOKED', 'booked'))).to.equal('not-applied');
  });

  it('says applied when the version moved on and the state is the one the update leaves', () => {
    expect(decide('A014', 4, referral(5, 'REJECTED', 'cancelled'))).to.equal('applied');
    expect(decide('A028', 2, referral(3, 'TRIAGE_RESPONSE'))).to.equal('applied');
  });

  it('cannot tell when another change landed, the version went back, or the operation has no read-back', () => {
    expect(decide('A014', 4, referral(5, 'BOOKED', 'cancelled'))).to.equal('unknown');
    expect(decide('A022', 4, referral(3, 'BOOKED', 'cancelled'))).to.equal('unknown');
    expect(decide('A021', 1, referral(2, 'BOOKED'))).to.equal('unknown');
  });
});
