import { expect } from 'chai';
import type { StoredMessage } from '../../src/core/store-types.js';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import { sendSampleRef, setSandboxFaults, startPasToErs } from '../support/sandbox-engine.js';

describe('engine: what an operator needs to review a message (issue 16, item 10)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  const sendRef = async (running: Awaited<ReturnType<Harness['start']>>) => {
    await sendSampleRef(running);
    const [summary] = await running.store.list({});
    return eventually(async () => {
      const m = await running.store.get(summary?.id ?? 0);
      return m?.status === 'ERROR' || m?.status === 'NEEDS_REVIEW' || m?.status === 'SENT'
        ? m
        : undefined;
    }, 20_000);
  };

  it('keeps the request sent on a NEEDS_REVIEW message, with the settlement evidence', async () => {
    const running = await startPasToErs(h, { code: 'SVC-00123', serviceId: '90596' });
    await setSandboxFaults(running, { failNext: [{ drop: 'after' }] });
    const m: StoredMessage = await sendRef(running);
    expect(m.status).to.equal('NEEDS_REVIEW');
    expect(m.outboundRequest).to.deep.include({ method: 'POST' });
    expect(JSON.stringify(m.outboundRequest)).to.include('ReferralRequest');
    // A create names no UBRN yet: e-RS cannot be asked, so it stays for review, saying so.
    expect(m.error?.context?.['settlement']).to.deep.include({ outcome: 'unknown' });
    const history = await running.store.attemptHistory(m.id);
    expect(history.map((a) => [a.outcome, a.request !== null])).to.deep.equal([
      ['NEEDS_REVIEW', true],
    ]);
  });

  it('records the hash of the mapping that failed', async () => {
    const running = await startPasToErs(h, { code: 'SVC-OTHER', serviceId: '90596' });
    const m = await sendRef(running);
    expect(m.status).to.equal('ERROR');
    expect(m.mappingHash).to.match(/^[0-9a-f]{16,}$/);
    expect(m.error?.context?.['mappingId']).to.be.a('string');
  });
});
