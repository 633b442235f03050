import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageStatus, Transition } from '../../../src/core/store-types.js';
import { EngineError } from '../../../src/core/errors.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { ErsClient } from '../../../src/ers/client.js';
import { startSandbox } from '../../../src/sandbox/index.js';
import { createHarness, eventually, type Harness } from '../../support/engine-harness.js';
import { copyMappings, REPO, sandboxSettings, send, SPC } from '../../mapping/e2e-support.js';

/**
 * Decision 180, "in flight only when it can go out": the e-RS destination makes the reads a
 * write needs (the A005 before an A013) and waits for the write's quota slot in `ready`, before
 * the engine marks it in flight. The real store is observed, not replaced: its transition method
 * is wrapped to note what each write carried, then does what it always does.
 */
const channel = `id: accept
source: { type: mllp, host: 127.0.0.1, port: 0 }
transformer: { type: mapping, mappings: [mappings/rri-i12-a013.yaml] }
destinations:
  - { name: ers, type: ers }
retry: { maxAttempts: 1 }
`;

describe('destinations/ers: the reads before a write happen before it is marked in flight', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    copyMappings(h);
  });
  afterEach(() => h.cleanup());

  it('commits the A005 pre-read with the in-flight marker and only the A013 with the SENT', async () => {
    h.writeChannel('accept.yaml', channel);
    const running = await h.start(sandboxSettings(SPC));
    const writes: { to: MessageStatus; inFlight: unknown; audits: string[] }[] = [];
    const transition = running.store.transition.bind(running.store);
    running.store.transition = (id: number, t: Transition) => {
      writes.push({
        to: t.to,
        inFlight: t.patch?.inFlightDestination,
        audits: (t.ersAudit ?? []).map((a) => a.endpoint),
      });
      return transition(id, t);
    };
    const text = readFileSync(join(REPO, 'samples', 'rri-i12-a013', 'input.hl7'), 'utf8');
    await send(running, text);
    const [summary] = await eventually(async () => {
      const rows = await running.store.list({
        channel: 'accept',
        status: ['SENT', 'ERROR', 'DEAD', 'NEEDS_REVIEW'],
      });
      return rows.length > 0 ? rows : undefined;
    });
    const stored = await running.store.get(summary!.id);
    expect(stored?.status, JSON.stringify(stored?.error)).to.equal('SENT');
    expect(writes).to.deep.equal([
      // The read was made (and waited for its slot) before this write marked the call in flight.
      { to: 'TRANSFORMED', inFlight: 'ers', audits: ['A005'] },
      { to: 'SENT', inFlight: null, audits: ['A013'] },
    ]);
  });
});

describe('ers client: a call stopped while it waits for the quota', () => {
  it('is not sent and fails as retryable (ENGINE_SHUTTING_DOWN), not as an unknown outcome', async () => {
    const sandbox = await startSandbox({ port: 0 });
    const client = new ErsClient({
      stu3Base: `${sandbox.url}/FHIR/STU3`,
      auth: platformAuth({
        mode: 'platform',
        accessToken: 'sandbox-access-token',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      }),
      requestsPerMinute: 1, // the second slot is a minute away
      timeoutMs: 5000,
    });
    try {
      const stop = new AbortController();
      await client.execute('A005', { ubrn: '000000070001' }, { signal: stop.signal });
      const waiting = client.execute('A005', { ubrn: '000000070001' }, { signal: stop.signal });
      stop.abort();
      const error = await waiting.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(EngineError);
      expect((error as EngineError).code).to.equal('ENGINE_SHUTTING_DOWN');
      expect((error as EngineError).retry).to.equal('transient');
      expect(
        sandbox.state.requests.filter((r) => r.path.includes('ReferralRequest')),
      ).to.have.length(1);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});
