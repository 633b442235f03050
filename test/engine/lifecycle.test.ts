import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import '../support/recorder-destination.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { recorded, resetRecorder } from '../support/recorder-destination.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import type { RunningEngine } from '../../src/main/run.js';

const root = join(import.meta.dirname, '..', '..');
const cli = (args: string[]): string =>
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('engine: lifecycle, hot reload, schedules and the messages CLI', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('finishes in-flight work on graceful shutdown and leaves nothing leased', async () => {
    h.writeChannel(
      'slow.yaml',
      'id: slow\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder, maxDelayMs: 300 }\nworkers: 8\n',
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        body: `m${i}`,
      });
      ids.push(((await res.json()) as { id: number }).id);
    }
    await running.stop();
    const store = new SqliteMessageStore({ file: join(h.dataDir, 'ers-bridge.db') });
    try {
      for (const id of ids) {
        const m = await store.get(id);
        expect(m?.leaseOwner, `message ${id} still leased`).to.equal(null);
        expect(['SENT', 'RECEIVED']).to.include(m?.status);
      }
    } finally {
      await store.close();
    }
  });

  /** One worker, and a destination that holds each message `delayMs`. */
  const writeHeldChannel = (delayMs: number): void => {
    h.writeChannel(
      'held.yaml',
      `id: held\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder, delayMs: ${delayMs} }\nworkers: 1\n`,
    );
  };

  /** Posts a body to the channel's HTTP source and waits until a worker holds it. */
  async function postAndHold(running: RunningEngine, body: string): Promise<number> {
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const res = await fetch(`http://127.0.0.1:${port}/messages`, { method: 'POST', body });
    const { id } = (await res.json()) as { id: number };
    await eventually(async () => ((await running.store.get(id))?.leaseOwner ? true : undefined));
    return id;
  }

  it('keeps processing when a Start comes while a Stop waits for in-flight work', async () => {
    writeHeldChannel(400);
    const running = await h.start('workers: { pollIntervalMs: 50, shutdownGraceMs: 5000 }');
    await postAndHold(running, 'first');
    // An operator presses Stop, then Start before the first message has finished.
    const stopping = running.engine.stopChannel('held', 'test');
    const starting = running.engine.startChannel('held', 'test');
    await Promise.all([stopping, starting]);
    expect(running.engine.channels()[0]?.state).to.equal('STARTED');
    const second = await postAndHold(running, 'second');
    await eventually(async () =>
      (await running.store.get(second))?.status === 'SENT' ? true : undefined,
    );
    expect(recorded.map((r) => r.body)).to.deep.equal(['first', 'second']);
  });

  it('does not hand a restarted channel the signal of work a Stop aborted', async () => {
    writeHeldChannel(300);
    const running = await h.start('workers: { pollIntervalMs: 50, shutdownGraceMs: 20 }');
    await postAndHold(running, 'cut short');
    await running.engine.stopChannel('held', 'test'); // grace runs out: its work is aborted
    await running.engine.startChannel('held', 'test');
    const id = await postAndHold(running, 'after restart');
    await eventually(async () =>
      (await running.store.get(id))?.status === 'SENT' ? true : undefined,
    );
    const after = recorded.find((r) => r.body === 'after restart');
    expect(after?.aborted).to.equal(false);
  });

  for (const [setting, onThread] of [
    ['', true],
    ['sqliteWriterThread: false\n', false],
  ] as const) {
    it(`commits ${onThread ? 'on the writer thread by default' : 'on the event loop with sqliteWriterThread: false'}, and delivers`, async () => {
      h.writeChannel(
        'w.yaml',
        'id: w\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder }\n',
      );
      const running = await h.start(setting);
      const store = running.store;
      if (!(store instanceof SqliteMessageStore)) throw new Error('expected the SQLite store');
      expect(store.writesOnThread).to.equal(onThread);
      const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
      const res = await fetch(`http://127.0.0.1:${port}/messages`, { method: 'POST', body: 'hi' });
      const { id } = (await res.json()) as { id: number };
      await eventually(async () =>
        (await running.store.get(id))?.status === 'SENT' ? true : undefined,
      );
      expect(recorded.map((r) => r.body)).to.deep.equal(['hi']);
    });
  }

  it('applies an edited channel file by itself, and refuses a broken edit keeping the old one', async () => {
    h.writeChannel(
      'w.yaml',
      'id: w\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: out, type: file, folder: out }\n',
    );
    const running = await h.start('hotReload: true\n');
    const before = running.engine.channels()[0]!.versionHash;
    h.writeChannel(
      'w.yaml',
      'id: w\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder }\n',
    );
    const changed = await eventually(() => {
      const c = running.engine.channels()[0]!;
      return c.versionHash !== before ? c : undefined;
    });
    h.writeChannel('w.yaml', 'id: w\nsource: { type: http, port: 0 }\ndestinations: [}\n');
    await new Promise((r) => setTimeout(r, 1200));
    expect(running.engine.channels()[0]!.versionHash).to.equal(changed.versionHash);
    await fetch(`http://127.0.0.1:${endpointPort(changed.source?.endpoint)}/messages`, {
      method: 'POST',
      body: 'after',
    });
    await eventually(() => recorded.length === 1 || undefined);
  });

  it('stores a trigger message at each tick of a cron schedule', async () => {
    h.writeChannel(
      'poll.yaml',
      "id: poll\nsource: { type: cron, schedule: '* * * * * *', payload: { service: '10000001' } }\ndestinations:\n  - { name: rec, type: test-recorder }\n",
    );
    await h.start();
    await eventually(() => recorded.length >= 1 || undefined, 5000);
    const body = JSON.parse(recorded[0]!.body) as { trigger: string; payload: { service: string } };
    expect(body).to.deep.include({ trigger: 'poll', payload: { service: '10000001' } });
  });

  it('lists, shows and reprocesses messages from the command line', async () => {
    h.writeChannel(
      'c.yaml',
      'id: c\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder, failWith: DEST_REJECTED }\n',
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const res = await fetch(`http://127.0.0.1:${port}/messages`, {
      method: 'POST',
      body: 'fail please',
      headers: { 'x-message-id': 'CLI-1' },
    });
    const { id } = (await res.json()) as { id: number };
    await eventually(async () => (await running.store.get(id))?.status === 'ERROR');
    const flags = ['--config', h.configDir];
    expect(cli(['messages', 'list', '--status', 'ERROR', ...flags])).to.match(
      new RegExp(`${id}.*ERROR.*CLI-1 +DEST_REJECTED`),
    );
    const shown = cli(['messages', 'show', String(id), ...flags]);
    expect(shown).to.match(/^ {2}DEST_REJECTED: /m);
    expect(cli(['messages', 'show', String(id), '--json', ...flags])).to.match(
      /"code": "DEST_REJECTED"/,
    );
    expect(shown).to.not.match(/fail please/);
    expect(
      cli(['messages', 'reprocess', '--status', 'ERROR', '--note', 'retry after fix', ...flags]),
    ).to.match(/1 matched: 1 reprocessed, 0 skipped/);
    await eventually(async () =>
      (await running.store.events(id)).some(
        (e) => e.stage === 'reprocess' && e.detail['note'] === 'retry after fix',
      ),
    );
    const audit = await running.store.listAudit({});
    expect(audit.map((a) => a.action)).to.include('message.reprocess');
  });
});

describe('engine: a send interrupted by a crash (invariant 2)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  /** Leaves a message as a killed engine would: claimed, destination marked in flight, lease expired. */
  async function crashedMidSend(destination: string): Promise<number> {
    const store = new SqliteMessageStore({ file: join(h.dataDir, 'ers-bridge.db') });
    const { id } = await store.append({
      channel: 'c',
      sender: 'x',
      contentType: 'text/plain',
      raw: Buffer.from('body'),
    });
    await store.claim({
      owner: 'dead-engine',
      channels: ['c'],
      limit: 1,
      leaseMs: 1,
      now: Date.now(),
    });
    await store.transition(id, {
      to: 'TRANSFORMED',
      stage: 'transform',
      actor: 'dead-engine',
      keepLease: true,
      leaseOwner: 'dead-engine',
      patch: { inFlightDestination: destination },
    });
    await store.close();
    return id;
  }

  it('sends a message whose call may have taken effect to NEEDS_REVIEW instead of calling again', async () => {
    h.writeChannel(
      'c.yaml',
      'id: c\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder }\n',
    );
    const id = await crashedMidSend('rec');
    const running = await h.start();
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'NEEDS_REVIEW' ? got : undefined;
    });
    expect(m.error).to.deep.include({ code: 'ENGINE_INTERRUPTED_SEND', at: 'destination:rec' });
    expect(recorded).to.have.length(0);
    // An operator who checked and wants it sent reprocesses it: then it goes through.
    await running.engine.reprocess(id, { actor: 'user:ops', note: 'checked: not received' });
    await eventually(async () => (await running.store.get(id))?.status === 'SENT');
    expect(recorded).to.have.length(1);
  });

  it('simply repeats an interrupted send to a destination that is safe to repeat', async () => {
    h.writeChannel(
      'c.yaml',
      'id: c\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: out, type: file, folder: out }\n',
    );
    const id = await crashedMidSend('out');
    const running = await h.start();
    await eventually(async () => (await running.store.get(id))?.status === 'SENT');
  });
});
