import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../support/recorder-destination.js';
import { maxConcurrent, recorded, resetRecorder } from '../support/recorder-destination.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { loadChannelFile } from '../../src/config/load-channels.js';
import '../../src/main/plugins.js';

/** Issue 20, decision 140: a worker claims a batch and processes its messages together. */
const channel = (extra: string): string => `
id: batch
source: { type: http, port: 0, orderingKey: [ubrn] }
destinations:
  - { name: rec, type: test-recorder, maxDelayMs: 200 }
${extra}`;

async function postAll(port: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ubrn: String(100_000_000_000 + i), seq: i }),
      }).then((r) => r.arrayBuffer()),
    ),
  );
}

describe('engine: workers take batches (channel `batch`)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('keeps up to workers × batch messages in hand, never more', async () => {
    h.writeChannel('batch.yaml', channel('workers: 2\nbatch: 8\n'));
    const running = await h.start();
    await postAll(endpointPort(running.engine.channels()[0]?.source?.endpoint), 60);
    await eventually(() => recorded.length === 60 || undefined, 30_000);
    expect(new Set(recorded.map((r) => r.id)).size).to.equal(60);
    // Two workers alone would never have more than two destination calls under way.
    expect(maxConcurrent).to.be.greaterThan(2);
    expect(maxConcurrent).to.be.at.most(16);
  });

  it('runs one message at a time on a channel with one worker and no batch (a worklist poll)', async () => {
    h.writeChannel('batch.yaml', channel('workers: 1\n'));
    const running = await h.start();
    await postAll(endpointPort(running.engine.channels()[0]?.source?.endpoint), 12);
    await eventually(() => recorded.length === 12 || undefined, 30_000);
    expect(maxConcurrent).to.equal(1);
  });

  it('resolves the default batch: 16, but 1 with one worker, and what the file says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ers-batch-'));
    try {
      const batchOf = (extra: string): number | undefined => {
        const file = join(dir, 'c.yaml');
        writeFileSync(file, channel(extra));
        const loaded = loadChannelFile(file, {});
        return loaded.ok ? loaded.channel.batch : undefined;
      };
      expect(batchOf('workers: 4\n')).to.equal(16);
      expect(batchOf('')).to.equal(16);
      expect(batchOf('workers: 1\n')).to.equal(1);
      expect(batchOf('workers: 1\nbatch: 4\n')).to.equal(4);
      expect(batchOf('workers: 4\nbatch: 1\n')).to.equal(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
