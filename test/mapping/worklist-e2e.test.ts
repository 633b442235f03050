import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHl7, compileHl7Path } from '../../src/formats/hl7v2/index.js';
import type { RunningEngine } from '../../src/main/run.js';
import { CronSourceSchema, tickMessage } from '../../src/sources/cron/cron-source.js';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import { copyMappings, REPO, sandboxOf, sandboxSettings, SPC, startPas } from './e2e-support.js';

const ZRF_2 = compileHl7Path('ZRF-2');
const ubrnsOf = (messages: readonly string[]): string[] =>
  messages.map((m) => ZRF_2.first(parseHl7(m)) ?? '').sort();

// The shipped channel file with the test's PAS port and a schedule that fires every second.
function channel(pasPort: number): string {
  return (
    readFileSync(join(REPO, 'channels', 'ers-worklist.yaml'), 'utf8')
      .replace('${ERS_BRIDGE_WORKLIST_POLL:-false}', 'true')
      // NHS's test world: 11004 is its cardiology triage service, empty until the test refers.
      .replace('${ERS_BRIDGE_WORKLIST_SERVICE:-21012}', '11004')
      .replace("'0 7,13 * * 1-5'", "'* * * * * *'")
      .replace('${ERS_BRIDGE_PAS_PORT:-2576}', String(pasPort))
      .replace(/retry:\n.*\n/, 'retry: { maxAttempts: 2, initialDelayMs: 20, jitterRatio: 0 }\n')
  );
}

describe('e-RS worklist poll → REF^I12 to the PAS, each referral once (shipped channel, sandbox)', () => {
  let h: Harness;
  let pas: Awaited<ReturnType<typeof startPas>>;
  beforeEach(async () => {
    h = createHarness();
    copyMappings(h);
    pas = await startPas();
  });
  afterEach(async () => {
    await h.cleanup();
    await pas.close();
  });

  it('sends each referral awaiting triage once, and only the new one on the next poll', async () => {
    // Start without the channel, put two referrals on the worklist, then add the channel: its
    // cron source polls within a second.
    const running: RunningEngine = await h.start(sandboxSettings(SPC));
    const sandbox = sandboxOf(running);
    const first = [
      await sandbox.createReferral('9912003888', '11004', true),
      await sandbox.createReferral('9462979626', '11004', true),
    ];
    h.writeChannel('ers-worklist.yaml', channel(pas.port));
    expect((await running.engine.reloadAll('test')).errors).to.deep.equal([]);
    await eventually(() => pas.received.length >= 2 || undefined, 20_000);
    expect(ubrnsOf(pas.received)).to.deep.equal([...first].sort());
    const ref = parseHl7(pas.received[0]!);
    expect(ref.header.field(9)).to.equal('REF^I12^REF_I12');

    // A later poll (a tick of another minute): the worklist still holds the first two.
    const third = await sandbox.createReferral('9912003888', '11004', true);
    const config = CronSourceSchema.parse({
      schedule: '* * * * * *',
      messageType: 'worklist-poll',
      payload: { serviceId: '11004' },
    });
    const later = tickMessage(config, 'ers-worklist', new Date(Date.now() + 3_600_000));
    const { id } = await running.store.append({ ...later, channel: 'ers-worklist' });
    const done = await eventually(async () => {
      const m = await running.store.get(id);
      return m?.status === 'SENT' || m?.status === 'ERROR' ? m : undefined;
    }, 20_000);
    expect(done.status, JSON.stringify(done.error)).to.equal('SENT');
    // At least the first two were skipped (a tick of a new minute may have sent the third).
    expect(
      (done.destinationResults['outbound'] as { output: { skipped: number } }).output.skipped,
    ).to.be.at.least(2);
    // Every referral reached the PAS exactly once, however many ticks fired meanwhile.
    expect(ubrnsOf(pas.received)).to.deep.equal([...first, third].sort());
  });
});
