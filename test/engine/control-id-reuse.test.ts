import { expect } from 'chai';
import '../support/recorder-destination.js';
import { recorded, resetRecorder } from '../support/recorder-destination.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import { registry } from '../../src/core/metrics.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { ackValue, adt, exchange } from '../sources/mllp/support.js';

const channel = (extra = '') => `id: pas-in
source:
  type: mllp
  host: 127.0.0.1
  port: 0
destinations:
  - { name: rec, type: test-recorder }
${extra}`;

async function send(port: number, message: string): Promise<string> {
  const { replies } = await exchange(port, [frameMllp(Buffer.from(message))], { expect: 1 });
  return replies[0] ?? '';
}

async function reuseCount(action: string): Promise<number> {
  const metric = await registry.getSingleMetric('ers_bridge_control_id_reused_total')?.get();
  return metric?.values.find((v) => v.labels['action'] === action)?.value ?? 0;
}

describe('engine: a reused MSH-10 with different content (issue 16)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('stores and processes the second message, with a CONTROL_ID_REUSED event and metric', async () => {
    h.writeChannel('in.yaml', channel());
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const before = await reuseCount('processed');
    const first = await send(port, adt('PAS0000124', '^BOOK'));
    const second = await send(port, adt('PAS0000124', '^CANCEL'));
    expect(ackValue(first, 'MSA-1')).to.equal('AA');
    expect(ackValue(second, 'MSA-1')).to.equal('AA');
    // Its own acknowledgement, not the first message's answer replayed.
    expect(ackValue(second, 'MSH-10')).to.not.equal(ackValue(first, 'MSH-10'));
    const list = await eventually(async () => {
      const all = await running.store.list({ channel: 'pas-in' });
      return all.length === 2 && all.every((m) => m.status === 'SENT') ? all : undefined;
    });
    expect(recorded.map((r) => r.body.includes('CANCEL'))).to.deep.equal([false, true]);
    const events = await running.store.events(list[0]?.id ?? 0);
    expect(events.some((e) => e.detail['warning'] === 'CONTROL_ID_REUSED')).to.equal(true);
    expect(await reuseCount('processed')).to.equal(before + 1);
    // The same content again is a resend: the stored answer, nothing new stored.
    const resend = await send(port, adt('PAS0000124', '^CANCEL'));
    expect(ackValue(resend, 'MSH-10')).to.equal(ackValue(second, 'MSH-10'));
    expect(await running.store.list({ channel: 'pas-in' })).to.have.length(2);
  });

  it('NAKs a reused id and keeps it as ERROR when the channel says controlIdReuse: refuse', async () => {
    h.writeChannel('in.yaml', channel('controlIdReuse: refuse\n'));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    await send(port, adt('PAS0000200', '^BOOK'));
    const nak = await send(port, adt('PAS0000200', '^CANCEL'));
    expect(ackValue(nak, 'MSA-1')).to.equal('AR');
    expect(ackValue(nak, 'ERR-3.1')).to.equal('205');
    const resent = await send(port, adt('PAS0000200', '^CANCEL'));
    expect(ackValue(resent, 'MSA-1')).to.equal('AR');
    const list = await eventually(async () => {
      const all = await running.store.list({ channel: 'pas-in' });
      return all.some((m) => m.status === 'SENT') ? all : undefined;
    });
    expect(recorded).to.have.length(1);
    expect(list.map((m) => [m.status, m.errorCode])).to.deep.equal([
      ['ERROR', 'CONTROL_ID_REUSED'],
      ['SENT', null],
    ]);
  });
});
