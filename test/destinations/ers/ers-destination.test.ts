import { expect } from 'chai';
import { registry } from '../../../src/core/metrics.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';

const channel = `
id: json-to-ers
source: { type: http, port: 0, orderingKey: [nhsNumber] }
destinations:
  - { name: ers, type: ers, operation: A021 }
retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`;

describe('destinations/ers: JSON logical inputs to the embedded sandbox through a real engine', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  const post = async (port: number, body: unknown): Promise<number> => {
    const res = await fetch(`http://127.0.0.1:${port}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return ((await res.json()) as { id: number }).id;
  };

  it('creates the referral in the sandbox and keeps the UBRN, request and response with the message', async () => {
    h.writeChannel('c.yaml', channel);
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const id = await post(port, {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      serviceIds: ['11004'], // NHS's test world: Cardiology Triage Business Service
    });
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'SENT' ? got : undefined;
    });
    const result = m.destinationResults['ers'] as { output: { ubrn: string; version: string } };
    expect(result.output.ubrn).to.match(/^\d{12}$/);
    expect((m.outboundRequest as { path: string }).path).to.equal(
      '/ReferralRequest/$ers.createReferralAndSendForTriage',
    );
    expect((await running.store.listErsAudit({})).map((a) => a.endpoint)).to.deep.equal(['A021']);
    // The engine counts a message just after its SENT commit, so the count may trail the store.
    const sentCount =
      /ers_bridge_messages_processed_total\{channel="json-to-ers",status="SENT"\} [1-9]/;
    await eventually(async () =>
      sentCount.test(await registry.getSingleMetricAsString('ers_bridge_messages_processed_total')),
    );
    const calls = await registry.getSingleMetricAsString('ers_bridge_ers_call_duration_seconds');
    expect(calls).to.match(
      /ers_bridge_ers_call_duration_seconds_count\{endpoint="A021",outcome="ok"\} [1-9]/,
    );
  });

  it('puts a refusal by e-RS in ERROR with the eRS code, without retrying', async () => {
    h.writeChannel('c.yaml', channel);
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const id = await post(port, {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      serviceIds: ['11000'], // directly bookable: A021 (send for triage) refuses it
    });
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'ERROR' ? got : undefined;
    });
    expect(m.error?.code).to.equal('ERS_REJECTED');
    expect(m.error?.context).to.deep.include({ ersCodes: ['INAPPROPRIATE_VALUE'], status: 422 });
    expect(m.attempts).to.equal(1);
  });

  it('puts a message whose inputs fail validation in ERROR naming the field, before any call', async () => {
    h.writeChannel('c.yaml', channel);
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const id = await post(port, {
      nhsNumber: '1234567890',
      priority: 'ROUTINE',
      serviceIds: ['11004'],
    });
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'ERROR' ? got : undefined;
    });
    expect(m.error).to.deep.include({ code: 'ERS_INVALID_INPUT', at: 'nhsNumber' });
    expect(await running.store.listErsAudit({})).to.have.length(0);
  });
});
