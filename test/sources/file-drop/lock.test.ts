import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../support/recorder-destination.js';
import { recorded, resetRecorder } from '../../support/recorder-destination.js';
import { createHarness, eventually, type Harness } from '../../support/engine-harness.js';
import { freePort, startEngineProcess } from '../../support/engine-process.js';
import type { RunningEngine } from '../../../src/main/run.js';
import { isStale, lockFolder, sharedStoreKey } from '../../../src/sources/file-drop/folder-lock.js';

const channel = (folder: string) => `
id: drop
source: { type: file, folder: ${folder}, format: csv, pollIntervalMs: 50, stableMs: 100 }
destinations:
  - { name: rec, type: test-recorder }
`;
const CSV = 'nhs_number,priority\r\n9912003896,ROUTINE\r\n';

describe('sources/file-drop: one engine per drop folder', () => {
  let first: Harness;
  let second: Harness;
  let share: string;
  beforeEach(() => {
    first = createHarness();
    second = createHarness();
    share = mkdtempSync(join(tmpdir(), 'ers-share-'));
    resetRecorder();
  });
  afterEach(async () => {
    await second.cleanup();
    await first.cleanup();
    rmSync(share, { recursive: true, force: true });
  });

  it('refuses the channel of a second engine on the same folder with a one-line error; the first keeps it', async () => {
    first.writeChannel('d.yaml', channel(share));
    second.writeChannel('d.yaml', channel(share));
    const a = await first.start();
    const b = await second.start();
    const info = (engine: typeof a) => engine.engine.channels().find((c) => c.id === 'drop');
    expect(info(a)?.state).to.equal('STARTED');
    expect(info(b)?.state).to.equal('FAILED');
    expect(info(b)?.lastError).to.match(/^drop folder .* is in use by another engine \(/);
    expect(info(b)?.lastError).to.not.include('\n');
    expect(b.failures.join('\n')).to.include('is in use by another engine');
    writeFileSync(join(share, 'one.csv'), CSV);
    await eventually(() => recorded.length === 1 || undefined);
    expect(await a.store.list({ channel: 'drop' })).to.have.length(1);
    expect(await b.store.list({ channel: 'drop' })).to.have.length(0);
    // Once the first lets the folder go, the second may take it.
    await a.engine.stopChannel('drop', 'test');
    await b.engine.startChannel('drop', 'test');
    expect(info(b)?.state).to.equal('STARTED');
  });

  it('refuses the folder held by an engine in another process, and takes it once that one is killed', async function () {
    this.timeout(60_000);
    first.writeChannel(
      'd.yaml',
      `id: drop\nsource: { type: file, folder: ${share}, format: csv, pollIntervalMs: 50, stableMs: 100 }\ndestinations:\n  - { name: out, type: file, folder: out, fileName: "{controlId}.json" }\n`,
    );
    writeFileSync(
      join(first.configDir, 'settings.yaml'),
      `dataDir: ${first.dataDir}\nhttp: { port: ${await freePort()} }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\n`,
    );
    const child = await startEngineProcess(first.configDir, {
      ERS_BRIDGE_ADMIN_PASSWORD: 'a-long-test-password',
    });
    second.writeChannel('d.yaml', channel(share));
    let b: RunningEngine | undefined;
    try {
      b = await second.start();
      const drop = () => b?.engine.channels().find((c) => c.id === 'drop');
      expect(drop()?.state).to.equal('FAILED');
      expect(drop()?.lastError).to.match(/in use by another engine \(.* pid \d+, channel drop/);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // Its process is gone: the lock it left is taken at once.
    await b.engine.startChannel('drop', 'test');
    expect(b.engine.channels().find((c) => c.id === 'drop')?.state).to.equal('STARTED');
  });

  it('takes over a lock left by an engine that died on this host', async () => {
    // A process that has exited: its pid names no running process.
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    mkdirSync(share, { recursive: true });
    writeFileSync(
      join(share, '.ers-bridge.lock'),
      JSON.stringify({ token: 'dead', host: hostname(), pid, channel: 'drop', since: 'then' }),
    );
    first.writeChannel('d.yaml', channel(share));
    const a = await first.start();
    expect(a.engine.channels().find((c) => c.id === 'drop')?.state).to.equal('STARTED');
    expect(readFileSync(join(share, '.ers-bridge.lock'), 'utf8')).to.not.include('"dead"');
    writeFileSync(join(share, 'one.csv'), CSV);
    await eventually(() => recorded.length === 1 || undefined);
  });

  it('releases the lock when the engine stops', async () => {
    first.writeChannel('d.yaml', channel(share));
    const a = await first.start();
    expect(existsSync(join(share, '.ers-bridge.lock'))).to.equal(true);
    await a.stop();
    expect(existsSync(join(share, '.ers-bridge.lock'))).to.equal(false);
  });

  it('lets engines of one PostgreSQL cluster share the folder, and keeps out an engine of another store', async () => {
    const cluster = sharedStoreKey('postgres://ers:one@db:5432/ers_bridge');
    expect(cluster, 'the password is not part of the key').to.equal(
      sharedStoreKey('postgres://ers:other@db/ers_bridge'),
    );
    expect(sharedStoreKey('postgres://ers@db:5432/elsewhere')).to.not.equal(cluster);
    expect(sharedStoreKey('sqlite')).to.equal(undefined);
    const options = { folder: share, channel: 'drop', heartbeatMs: 1_000, staleMs: 30_000 };
    const a = await lockFolder({ ...options, share: cluster! });
    const b = await lockFolder({ ...options, share: cluster! });
    expect(await b.stillHeld()).to.equal(true);
    const refused = await lockFolder({ ...options, share: sharedStoreKey('postgres://x/y')! }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused?.message).to.include('is in use by another engine');
    const sqlite = await lockFolder(options).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(sqlite?.message).to.include('is in use by another engine');
    await b.release();
    expect(await a.stillHeld()).to.equal(true);
    await a.release();
    expect(existsSync(join(share, '.ers-bridge.lock'))).to.equal(false);
  });

  it("judges another host's lock by its heartbeat alone", () => {
    const owner = { token: 't', host: 'other-host', pid: 1, channel: 'drop', since: 'then' };
    expect(isStale(owner, 1_000, 30_000)).to.equal(false);
    expect(isStale(owner, 31_000, 30_000)).to.equal(true);
    expect(isStale(undefined, 0, 30_000), 'unreadable lock').to.equal(true);
    expect(isStale({ ...owner, host: hostname(), pid: process.pid }, 1_000, 30_000)).to.equal(
      false,
    );
  });
});
