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
import { batchOf } from '../../src/engine/channel-runtime.js';
import { orderingKeyOf } from '../../src/store/search-keys.js';
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

  it('keeps arrival order per ordering key inside and across batches', async () => {
    h.writeChannel('batch.yaml', channel('workers: 2\nbatch: 8\n'));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const keys = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
    // Sequential posts fix the arrival order; the engine processes the keys concurrently.
    for (let i = 0; i < 50; i++)
      await fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ubrn: keys[i % keys.length], seq: i }),
      }).then((r) => r.arrayBuffer());
    await eventually(() => recorded.length === 50 || undefined, 30_000);
    for (const key of keys) {
      const seqs = recorded
        .filter((r) => r.key === orderingKeyOf(key))
        .map((r) => (JSON.parse(r.body) as { seq: number }).seq);
      expect(seqs).to.have.length(10);
      expect(seqs).to.deep.equal([...seqs].sort((x, y) => x - y));
    }
  });

  it('runs one message at a time on a channel with one worker and no batch (a worklist poll)', async () => {
    h.writeChannel('batch.yaml', channel('workers: 1\n'));
    const running = await h.start();
    await postAll(endpointPort(running.engine.channels()[0]?.source?.endpoint), 12);
    await eventually(() => recorded.length === 12 || undefined, 30_000);
    expect(maxConcurrent).to.equal(1);
  });

  it('keeps two messages per worker in hand for a network destination when the file says no batch', async () => {
    // The recorder stands for a network call (not safe to repeat): decision 180's default.
    h.writeChannel('batch.yaml', channel('workers: 2\n'));
    const running = await h.start();
    await postAll(endpointPort(running.engine.channels()[0]?.source?.endpoint), 40);
    await eventually(() => recorded.length === 40 || undefined, 30_000);
    expect(new Set(recorded.map((r) => r.id)).size).to.equal(40);
    expect(maxConcurrent).to.be.greaterThan(2);
    expect(maxConcurrent).to.be.at.most(4);
  });

  it('takes the batch the file says, else 16 for local writes with workers, 2 for network calls with workers, else 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ers-batch-'));
    try {
      const load = (extra: string) => {
        const file = join(dir, 'c.yaml');
        writeFileSync(file, channel(extra));
        const loaded = loadChannelFile(file, {});
        if (!loaded.ok) throw new Error('channel refused');
        return loaded.channel;
      };
      const file = [{ destination: { safeToRepeat: true } }];
      const ers = [{ destination: {} }, { destination: { safeToRepeat: true } }];
      expect(load('workers: 4\n').batch).to.equal(undefined);
      expect(batchOf(load('workers: 4\n'), file)).to.equal(16);
      expect(batchOf(load(''), file)).to.equal(16);
      expect(batchOf(load('workers: 4\n'), ers)).to.equal(2);
      expect(batchOf(load('workers: 1\n'), ers)).to.equal(1);
      expect(batchOf(load('workers: 1\n'), file)).to.equal(1);
      expect(batchOf(load('workers: 1\nbatch: 4\n'), file)).to.equal(4);
      expect(batchOf(load('workers: 4\nbatch: 8\n'), ers)).to.equal(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
