import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { AlertMonitor } from '../../src/alerts/index.js';
import { AlertSettingsSchema } from '../../src/core/alert-settings.js';
import { createLogger } from '../../src/core/logger.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import '../support/recorder-destination.js';
import { adt, exchange } from '../sources/mllp/support.js';

const mllpChannel = (id: string, failWith: string): string =>
  [
    `id: ${id}`,
    'source: { type: mllp, port: 0 }',
    'destinations:',
    `  - { name: out, type: test-recorder, failWith: ${failWith} }`,
    'retry: { maxAttempts: 10, initialDelayMs: 3600000, maxDelayMs: 3600000, jitterRatio: 0 }',
    '',
  ].join('\n');

/** A Monday 11:00 UTC at least two hours ahead: working hours in London, summer or winter. */
function nextMondayLate(): number {
  let t = DateTime.utc().plus({ hours: 2 }).startOf('day').set({ hour: 11 });
  while (t.weekday !== 1 || t.toMillis() < Date.now() + 2 * 3_600_000) t = t.plus({ days: 1 });
  return t.toMillis();
}

describe('alert monitor over a real engine, store and drop folder (clock moved ahead)', () => {
  let h: Harness;
  let monitor: AlertMonitor | undefined;
  afterEach(async () => {
    await monitor?.stop();
    await h.cleanup();
  });

  it('finds queue depth and age, people-waiting messages, a silent channel, and stuck and rejected files', async () => {
    h = createHarness();
    const drop = join(h.dir, 'drop');
    h.writeChannel('queue.yaml', mllpChannel('queue', 'DEST_UNAVAILABLE'));
    h.writeChannel('review.yaml', mllpChannel('review', 'DEST_NO_ACK'));
    h.writeChannel(
      'drop.yaml',
      [
        'id: drop',
        `source: { type: file, folder: ${drop}, format: csv, completion: marker, pollIntervalMs: 50, maxFileBytes: 20 }`,
        'destinations:',
        '  - { name: out, type: test-recorder }',
        '',
      ].join('\n'),
    );
    const running = await h.start('alerts: { enabled: false }');
    const port = (id: string) =>
      endpointPort(running.engine.channels().find((c) => c.id === id)?.source?.endpoint);
    await exchange(
      port('queue'),
      [0, 1, 2].map((i) => frameMllp(adt(`Q${i}`, 'fail'))),
      { expect: 3 },
    );
    // Another patient: the queue channel's waiting messages hold back their patient's key.
    const other = adt('R1', 'fail').replace('9912003888', '9434765919');
    await exchange(port('review'), [frameMllp(other)], { expect: 1 });
    mkdirSync(drop, { recursive: true });
    writeFileSync(join(drop, 'big.csv'), 'nhs_number,priority\n'.repeat(5));
    writeFileSync(join(drop, 'big.csv.done'), '');
    writeFileSync(join(drop, 'waiting.csv'), 'nhs_number\n');
    await eventually(() => existsSync(join(drop, 'error', 'big.csv')));
    await eventually(async () => {
      const counts = await running.store.countByStatus();
      // One patient: the first waits for its retry (QUEUED), holding the others back in order.
      const queue = counts['queue'] ?? {};
      return queue.QUEUED === 1 && queue.RECEIVED === 2 && counts['review']?.NEEDS_REVIEW === 1;
    });

    const now = nextMondayLate();
    monitor = await AlertMonitor.start({
      control: running.engine,
      settings: {
        ...running.settings,
        alerts: AlertSettingsSchema.parse({
          intervalMs: 600_000,
          rules: {
            queueDepth: { threshold: 3 },
            queueAge: { minutes: 30 },
            silence: { minutes: 60, channels: ['queue'] },
            errors: false,
            expiry: false,
          },
        }),
      },
      configDir: h.configDir,
      dataDir: mkdtempSync(join(tmpdir(), 'ers-alerts-')),
      logger: createLogger({ level: 'silent' }),
      clock: () => now,
    });
    await monitor.checkNow();
    const open = monitor.view().open.map((i) => `${i.rule} ${i.subject} ${i.severity}`);
    expect(open).to.have.members([
      'queueDepth queue warning',
      'queueAge queue warning',
      'silence queue warning',
      'unresolved review critical',
      'fileStuck drop/waiting.csv warning',
      'fileRejected drop/big.csv warning',
    ]);
    const age = monitor.view().open.find((i) => i.rule === 'queueAge');
    expect(age?.summary).to.equal(
      'channel queue: 3 messages received over 30 min ago still waiting',
    );
  });
});
