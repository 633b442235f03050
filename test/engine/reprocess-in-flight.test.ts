import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameMllp } from '../../src/sources/mllp/index.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { ackValue, exchange } from '../sources/mllp/support.js';
import { copyMappings } from '../mapping/e2e-support.js';

const REPO = process.cwd();

const channel = `id: pas-inbound
source: { type: mllp, host: 127.0.0.1, port: 0 }
transformer:
  type: mapping
  mappings: [mappings/ref-i12-a021.yaml]
destinations:
  - { name: ers, type: ers }
`;

interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

describe('engine: reprocess while the e-RS call is in flight (issue 16)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    copyMappings(h);
    writeFileSync(
      join(h.configDir, 'mappings', 'tables', 'service.yaml'),
      'unmapped: error\nentries:\n  SVC-00123: "11004"\n',
    );
  });
  afterEach(() => h.cleanup());

  it('refuses, so exactly one referral is created; a SENT create is refused unless forced', async function () {
    this.timeout(60_000);
    h.writeChannel('pas-inbound.yaml', channel);
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const sandbox = running.engine.services.sandbox?.url ?? '';
    await fetch(`${sandbox}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 2500 }),
    });
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const ref = readFileSync(join(REPO, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8');
    const { replies } = await exchange(port, [frameMllp(ref)], { expect: 1 });
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
