/**
 * `workers.processIn: thread` (decision 170): a real engine whose channels are processed on a
 * worker thread apart from the MLLP source, fed by a real MLLP peer over TCP, writing real files.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEngine } from '../../src/main/run.js';
import { scrapeMetrics } from '../../src/core/metrics.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import { sample } from '../formats/hl7v2/samples.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { ackValue, adt, exchange } from '../sources/mllp/support.js';
import { pgCluster } from '../support/pg-cluster.js';

const THREAD = 'workers: { pollIntervalMs: 50, processIn: thread }';

const channel = (id: string, folder: string, ack = '{ mode: commit }'): string => `id: ${id}
source:
  type: mllp
  host: 127.0.0.1
  port: 0
  ack: ${ack}
  orderingKey: ['MSH-10']
destinations:
  - name: out
    type: file
    folder: ${folder}
    fileName: '{id}.hl7'
    content: raw
workers: 4
`;

describe('engine: processing on a thread apart from the sources (workers.processIn: thread)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const portOf = (running: RunningEngine, id: string): number =>
    endpointPort(running.engine.channels().find((c) => c.id === id)?.source?.endpoint);

  async function sentFile(running: RunningEngine, channelId: string, controlId: string) {
    return eventually(async () => {
      const m = await running.store.findByControlId(channelId, 'PAS/RXX01', controlId);
      return m?.status === 'SENT' ? m : undefined;
    }, 20_000);
  }

  it('acknowledges on commit and processes every message to SENT on the thread, its file holding its body', async () => {
    h.writeChannel('in.yaml', channel('thr-file', 'out'));
    const running = await h.start(THREAD);
    const port = portOf(running, 'thr-file');
    const ids = Array.from({ length: 40 }, (_, i) => `T${i}`);
    const { replies } = await exchange(
      port,
      ids.map((id) => frameMllp(adt(id))),
      { expect: ids.length, timeoutMs: 20_000 },
    );
    expect(replies.map((r) => ackValue(r, 'MSA-1'))).to.deep.equal(ids.map(() => 'AA'));
    for (const id of ids) {
      const m = await sentFile(running, 'thr-file', id);
      const out = m.destinationResults['out'] as { output: { file: string } };
      expect(readFileSync(out.output.file, 'utf8')).to.equal(m.raw?.toString('utf8'));
    }
    // The processing thread's counters reach /metrics (its registry is its own). The thread
    // counts a message just after its SENT commit, which this thread may read first.
    const counted = /ers_bridge_messages_processed_total\{channel="thr-file",status="SENT"\} 40\b/;
    await eventually(async () => counted.test(await scrapeMetrics()));
    // The channel list still reads the thread's view of the channel.
    const info = running.engine.channels().find((c) => c.id === 'thr-file');
    expect(info?.state).to.equal('STARTED');
    expect(info?.lastError).to.equal(null);
  });

  it('answers an application ACK (MSH-16 AL) after the thread has processed the message', async () => {
    h.writeChannel(
      'in.yaml',
      channel('thr-app', 'out', '{ mode: application, applicationTimeoutMs: 15000 }'),
    );
    const running = await h.start(THREAD);
    const ref = sample('ref-i12.hl7').toString('utf8').replace('|AL|NE|', '|AL|AL|');
    const { replies } = await exchange(portOf(running, 'thr-app'), [frameMllp(ref)], {
      expect: 1,
      timeoutMs: 20_000,
    });
    const ack = replies[0] ?? '';
    expect(ackValue(ack, 'MSA-1')).to.equal('AA');
    expect(ackValue(ack, 'MSA-3')).to.not.equal('PENDING');
    const stored = await running.store.findByControlId('thr-app', 'PAS/RXX01', 'PAS0000123');
    expect(stored?.status).to.equal('SENT');
  });

  it('stops and starts a channel, and a reloaded channel file takes effect on the thread', async () => {
    h.writeChannel('in.yaml', channel('thr-ctl', 'first'));
    const running = await h.start(THREAD);
    await exchange(portOf(running, 'thr-ctl'), [frameMllp(adt('C1'))], { expect: 1 });
    await sentFile(running, 'thr-ctl', 'C1');

    await running.engine.stopChannel('thr-ctl', 'test');
    expect(running.engine.channels()[0]?.state).to.equal('STOPPED');
    await running.engine.startChannel('thr-ctl', 'test');
    await exchange(portOf(running, 'thr-ctl'), [frameMllp(adt('C2'))], { expect: 1 });
    await sentFile(running, 'thr-ctl', 'C2');

    // Same source, other destination folder: the PAS connection is kept and the thread writes
    // with the new definition.
    h.writeChannel('in.yaml', channel('thr-ctl', 'second'));
    const outcome = await running.engine.reloadChannel('thr-ctl', 'test');
    expect(outcome).to.deep.equal({ ok: true, errors: [] });
    await exchange(portOf(running, 'thr-ctl'), [frameMllp(adt('C3'))], { expect: 1 });
    const m = await sentFile(running, 'thr-ctl', 'C3');
    const out = m.destinationResults['out'] as { output: { file: string } };
    expect(out.output.file.startsWith(join(h.dataDir, 'second'))).to.equal(true);
    expect(readdirSync(join(h.dataDir, 'second'))).to.have.length(1);
    expect(existsSync(join(h.dataDir, 'first'))).to.equal(true);
    expect(readdirSync(join(h.dataDir, 'first'))).to.have.length(2);
  });

  it('processes a reprocessed message again on the thread', async () => {
    h.writeChannel('in.yaml', channel('thr-re', 'out'));
    const running = await h.start(THREAD);
    await exchange(portOf(running, 'thr-re'), [frameMllp(adt('R1'))], { expect: 1 });
    const m = await sentFile(running, 'thr-re', 'R1');
    const result = await running.engine.reprocess(m.id, { actor: 'user:test', force: true });
    expect(result.ok).to.equal(true);
    await eventually(async () => {
      const sent = (await running.store.events(m.id)).filter((e) => e.status === 'SENT');
      const again = await running.store.get(m.id);
      return sent.length === 2 && again?.status === 'SENT';
    }, 20_000);
  });

  it('on PostgreSQL the thread opens a pool of its own and processes to SENT', async function () {
    this.timeout(120_000);
    const url = await (await pgCluster()).freshDatabase();
    h.writeChannel('in.yaml', channel('thr-pg', 'out'));
    const running = await h.start(`store: '${url}'\n${THREAD}`);
    const ids = ['P1', 'P2', 'P3'];
    await exchange(
      portOf(running, 'thr-pg'),
      ids.map((id) => frameMllp(adt(id))),
      { expect: ids.length, timeoutMs: 20_000 },
    );
    for (const id of ids) await sentFile(running, 'thr-pg', id);
  });
});
