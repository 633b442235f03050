import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameMllp } from '../../src/sources/mllp/index.js';
import type { StoredMessage } from '../../src/core/store-types.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { exchange } from '../sources/mllp/support.js';
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

describe('engine: what an operator needs to review a message (issue 16, item 10)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    copyMappings(h);
    h.writeChannel('pas-inbound.yaml', channel);
  });
  afterEach(() => h.cleanup());

  const sendRef = async (running: Awaited<ReturnType<Harness['start']>>) => {
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const ref = readFileSync(join(REPO, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8');
    await exchange(port, [frameMllp(ref)], { expect: 1 });
    const [summary] = await running.store.list({});
    return eventually(async () => {
      const m = await running.store.get(summary?.id ?? 0);
      return m?.status === 'ERROR' || m?.status === 'NEEDS_REVIEW' || m?.status === 'SENT'
        ? m
        : undefined;
    }, 20_000);
  };

  it('keeps the request sent on a NEEDS_REVIEW message, with the settlement evidence', async () => {
    writeFileSync(
      join(h.configDir, 'mappings', 'tables', 'service.yaml'),
      'unmapped: error\nentries:\n  SVC-00123: "90596"\n',
    );
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    await fetch(`${running.engine.services.sandbox?.url ?? ''}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ drop: 'after' }] }),
    });
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
    writeFileSync(
      join(h.configDir, 'mappings', 'tables', 'service.yaml'),
      'unmapped: error\nentries:\n  SVC-OTHER: "90596"\n',
    );
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const m = await sendRef(running);
    expect(m.status).to.equal('ERROR');
    expect(m.mappingHash).to.match(/^[0-9a-f]{16,}$/);
    expect(m.error?.context?.['mappingId']).to.be.a('string');
  });
});
