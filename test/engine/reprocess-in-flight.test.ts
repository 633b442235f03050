import { expect } from 'chai';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import { sendSampleRef, setSandboxFaults, startPasToErs } from '../support/sandbox-engine.js';
import { ackValue } from '../sources/mllp/support.js';

interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

describe('engine: reprocess while the e-RS call is in flight (issue 16)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('refuses, so exactly one referral is created; a SENT create is refused unless forced', async function () {
    this.timeout(60_000);
    const running = await startPasToErs(h, { code: 'SVC-00123', serviceId: '11004' });
    const sandbox = running.engine.services.sandbox?.url ?? '';
    await setSandboxFaults(running, { latencyMs: 2500 });
    const replies = await sendSampleRef(running);
    expect(ackValue(replies[0] ?? '', 'MSA-1')).to.match(/^[AC]A$/);
    const [summary] = await running.store.list({});
    const id = summary?.id ?? 0;
    await eventually(async () => (await running.store.get(id))?.inFlightDestination === 'ers');
    // Single and forced: both refused while the call is out.
    for (const force of [false, true]) {
      expect(await running.engine.reprocess(id, { actor: 'user:ops', force })).to.deep.include({
        ok: false,
        reason: 'leased',
      });
    }
    await eventually(async () => (await running.store.get(id))?.status === 'SENT', 30_000);
    await fetch(`${sandbox}/_sandbox/faults`, { method: 'POST', body: '{}' });
    const requests = (await (await fetch(`${sandbox}/_sandbox/requests`)).json()) as
      SandboxRequest[] | { requests: SandboxRequest[] };
    const list = Array.isArray(requests) ? requests : requests.requests;
    const creates = list.filter(
      (r) => r.method === 'POST' && r.path.startsWith('/ReferralRequest'),
    );
    expect(creates.map((r) => r.status)).to.deep.equal([201]);
    const refused = await running.engine.reprocess(id, { actor: 'user:ops' });
    expect(refused).to.deep.include({ ok: false, reason: 'effect-succeeded' });
    expect(refused.ok ? [] : refused.resend).to.deep.equal(['ers']);
    const history = await running.store.attemptHistory(id);
    expect(history.map((a) => [a.destination, a.outcome])).to.deep.equal([['ers', 'SENT']]);
  });
});
