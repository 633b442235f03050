import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import '../support/recorder-destination.js';
import { maxConcurrent, recorded, resetRecorder } from '../support/recorder-destination.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { orderingKeyOf } from '../../src/store/search-keys.js';

const httpChannel = (destination: string, extra = ''): string => `
id: loop
source: { type: http, port: 0, orderingKey: [ubrn] }
destinations:
${destination}
retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
workers: 8
${extra}`;

async function post(
  port: number,
  body: string,
  controlId?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(controlId ? { 'x-message-id': controlId } : {}),
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('engine: channel runtime end to end', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('carries a message from the HTTP source to a file and marks it SENT', async () => {
    h.writeChannel('loop.yaml', httpChannel('  - { name: out, type: file, folder: out }'));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const { status, json } = await post(port, '{"ubrn":"000000070000","hello":1}');
    expect(status).to.equal(202);
    const id = json['id'] as number;
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'SENT' ? got : undefined;
    });
    const file = m.destinationResults['out'] as { output: { file: string } };
    expect(readFileSync(file.output.file, 'utf8')).to.equal('{"ubrn":"000000070000","hello":1}');
    expect((await running.store.events(id)).map((e) => e.status)).to.deep.equal([
      'RECEIVED',
      'TRANSFORMED',
      'SENT',
    ]);
  });

  it('records TRANSFORMED (the in-flight marker) before calling a destination that is not safe to repeat', async () => {
    h.writeChannel('loop.yaml', httpChannel('  - { name: rec, type: test-recorder }'));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const { json } = await post(port, '{"ubrn":"000000070000"}');
    const id = json['id'] as number;
    await eventually(async () => (await running.store.get(id))?.status === 'SENT');
    const events = await running.store.events(id);
    expect(events.map((e) => e.status)).to.deep.equal(['RECEIVED', 'TRANSFORMED', 'SENT']);
    expect(events[1]?.detail).to.deep.include({ operation: 'forward', mappingHash: 'none' });
  });

  it('answers a repeated control id from the first result without processing it again', async () => {
    h.writeChannel('loop.yaml', httpChannel('  - { name: rec, type: test-recorder }'));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const first = await post(port, '{"n":1}', 'MSG-1');
    await eventually(
      async () => (await running.store.get(first.json['id'] as number))?.status === 'SENT',
    );
    const again = await post(port, '{"n":1}', 'MSG-1');
    expect(again.json).to.deep.include({ id: first.json['id'], duplicate: true, status: 'SENT' });
    await new Promise((r) => setTimeout(r, 200));
    expect(recorded).to.have.length(1);
  });

  it('keeps arrival order per ordering key with 8 workers while running keys in parallel', async () => {
    h.writeChannel(
      'loop.yaml',
      httpChannel('  - { name: rec, type: test-recorder, maxDelayMs: 15 }'),
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const keys = ['111111111111', '222222222222', '333333333333', '444444444444'];
    // Sequential posts fix the arrival order; the engine processes them concurrently.
    for (let i = 0; i < 80; i++)
      await post(port, JSON.stringify({ ubrn: keys[i % keys.length], seq: i }));
    await eventually(() => recorded.length === 80 || undefined, 20_000);
    for (const key of keys) {
      const seqs = recorded
        .filter((r) => r.key === orderingKeyOf(key))
        .map((r) => (JSON.parse(r.body) as { seq: number }).seq);
      expect(seqs).to.have.length(20);
      expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    }
    expect(maxConcurrent).to.be.greaterThan(1);
  });

  it('queues a transient failure with backoff and declares it DEAD when attempts run out', async () => {
    h.writeChannel(
      'loop.yaml',
      httpChannel('  - { name: rec, type: test-recorder, failWith: DEST_UNAVAILABLE }'),
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const { json } = await post(port, '{"please":"fail"}');
    const id = json['id'] as number;
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'DEAD' ? got : undefined;
    });
    expect(m.attempts).to.equal(3);
    expect(m.error?.code).to.equal('DEST_UNAVAILABLE');
    const statuses = (await running.store.events(id)).map((e) => e.status);
    expect(statuses.filter((s) => s === 'QUEUED')).to.have.length(2);
  });

  it('sends an ambiguous failure to NEEDS_REVIEW without retrying it', async () => {
    h.writeChannel(
      'loop.yaml',
      httpChannel('  - { name: rec, type: test-recorder, failWith: DEST_NO_ACK }'),
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const { json } = await post(port, '{"please":"fail"}');
    const m = await eventually(async () => {
      const got = await running.store.get(json['id'] as number);
      return got?.status === 'NEEDS_REVIEW' ? got : undefined;
    });
    expect(m.attempts).to.equal(1);
  });

  it('never repeats a destination that succeeded when a later one is retried', async () => {
    h.writeChannel(
      'loop.yaml',
      httpChannel(
        '  - { name: first, type: test-recorder }\n  - { name: second, type: file, folder: out }',
      ),
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const { json } = await post(port, '{"a":1}');
    const id = json['id'] as number;
    await eventually(async () => (await running.store.get(id))?.status === 'SENT');
    // A SENT message is refused unless forced: its effects would repeat.
    const refused = await running.engine.reprocess(id, { actor: 'user:test' });
    expect(refused).to.deep.include({ ok: false, reason: 'effect-succeeded' });
    expect(await running.engine.reprocess(id, { actor: 'user:test', force: true })).to.deep.include(
      { ok: true, from: 'SENT' },
    );
    await eventually(async () => (await running.store.get(id))?.status === 'SENT');
    // Forced, a SENT message is reprocessed from scratch: both destinations ran twice.
    expect(recorded).to.have.length(2);
    expect(readdirSync(join(h.dataDir, 'out'))).to.have.length(1);
  });

  it('refuses a broken channel file on reload and keeps the old version running', async () => {
    h.writeChannel('loop.yaml', httpChannel('  - { name: out, type: file, folder: out }'));
    const running = await h.start();
    const before = running.engine.channels()[0]!;
    h.writeChannel(
      'loop.yaml',
      httpChannel('  - { name: out, type: file, folder: out }').replace('port: 0', 'port: 70000'),
    );
    const outcome = await running.engine.reloadChannel('loop', 'user:test');
    expect(outcome.ok).to.equal(false);
    expect(outcome.errors[0]).to.match(/loop\.yaml:3: source\.port must be at most 65535/);
    const after = running.engine.channels()[0]!;
    expect(after.versionHash).to.equal(before.versionHash);
    expect(after.state).to.equal('STARTED');
    const { status } = await post(endpointPort(after.source?.endpoint), '{"still":"alive"}');
    expect(status).to.equal(202);
  });

  it('applies a valid reload, keeping the source listening when only destinations changed', async () => {
    h.writeChannel('loop.yaml', httpChannel('  - { name: out, type: file, folder: out }'));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    h.writeChannel('loop.yaml', httpChannel('  - { name: rec, type: test-recorder }'));
    expect((await running.engine.reloadChannel('loop', 'user:test')).ok).to.equal(true);
    expect(endpointPort(running.engine.channels()[0]?.source?.endpoint)).to.equal(port);
    await post(port, '{"after":"reload"}');
    await eventually(() => recorded.length === 1 || undefined);
  });

  it('starts the valid channels and reports the invalid ones with file and line', async () => {
    h.writeChannel('good.yaml', httpChannel('  - { name: out, type: file, folder: out }'));
    h.writeChannel('bad.yaml', 'id: bad\nsource: { type: carrier-pigeon }\ndestinations: []\n');
    const running = await h.start();
    expect(running.engine.channels().map((c) => c.id)).to.deep.equal(['loop']);
    expect(running.failures.join('\n')).to.match(
      /bad\.yaml:2: source\.type unknown source type "carrier-pigeon"/,
    );
    expect(running.failures.join('\n')).to.match(/bad\.yaml:3: destinations needs at least 1 item/);
  });
});
