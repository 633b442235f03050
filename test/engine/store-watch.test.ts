import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { UserDirectory } from '../../src/admin/auth/user-file.js';
import { addToken, addUser } from '../../src/admin/auth/user-admin.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { freePort, repoRoot, startEngineProcess } from '../support/engine-process.js';
import { ackValue, adt, exchange } from '../sources/mllp/support.js';
import { msg } from '../store/contract.js';

async function ack(port: number, controlId: string): Promise<string> {
  const { replies } = await exchange(port, [frameMllp(Buffer.from(adt(controlId)))], {
    expect: 1,
  });
  return ackValue(replies[0] ?? '', 'MSA-1') ?? '';
}

/** Runs the CLI as a user would, returning its exit code and output. */
function cli(args: readonly string[]): { status: number | null; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args],
    { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 },
  );
  return { status: run.status, stderr: run.stderr };
}

describe('engine: the store is watched (issue 16)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('never acknowledges again once the data folder is deleted under a running engine, and /readyz turns red', async function () {
    this.timeout(60_000);
    const [mllpPort, httpPort] = [await freePort(), await freePort()];
    h.writeChannel(
      'in.yaml',
      `id: pas-in\nsource: { type: mllp, host: 127.0.0.1, port: ${mllpPort} }\ndestinations:\n  - { name: out, type: file, folder: out }\n`,
    );
    writeFileSync(
      join(h.configDir, 'settings.yaml'),
      `dataDir: ${h.dataDir}\nhttp: { host: 127.0.0.1, port: ${httpPort} }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\n`,
    );
    // The users file lives outside the data folder, so /readyz can still be asked.
    const usersFile = join(h.dir, 'users.json');
    const directory = new UserDirectory(usersFile);
    const admin = { directory, now: Date.now(), log2Cost: 10 };
    await addUser(admin, { name: 'probe', role: 'viewer', password: 'correct horse battery' });
    const token = addToken(admin, 'probe', 'test');
    const child = await startEngineProcess(h.configDir, { ERS_BRIDGE_USERS_FILE: usersFile });
    const readyz = async () =>
      (
        await fetch(`http://127.0.0.1:${httpPort}/readyz`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status;
    try {
      for (let i = 0; i < 3; i++) expect(await ack(mllpPort, `OK${i}`)).to.equal('AA');
      expect(await readyz()).to.equal(200);
      rmSync(h.dataDir, { recursive: true, force: true });
      const after: string[] = [];
      for (let i = 0; i < 5; i++) after.push(await ack(mllpPort, `GONE${i}`));
      expect(after.filter((a) => a === 'AA')).to.deep.equal([]);
      expect(after.every((a) => a === 'AE' || a === 'AR')).to.equal(true);
      expect(await readyz()).to.equal(503);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a second engine on the same SQLite store with one line', async () => {
    h.writeChannel(
      'in.yaml',
      'id: a\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: out, type: file, folder: out }\n',
    );
    await h.start();
    let refused: Error | undefined;
    await h.start().catch((e: unknown) => (refused = e as Error));
    expect(refused).to.have.property('code', 'STORE_LOCKED');
    expect(refused?.message).to.match(/another ers-bridge engine is already running/);
    expect(refused?.message).to.not.include('\n');
  });

  it('ends CLI mistakes with one line and no stack: missing store, bad argument, unusable data folder', () => {
    writeFileSync(join(h.configDir, 'settings.yaml'), 'sandbox: { enabled: false }\n');
    const missing = cli(['messages', 'list', '--config', h.configDir, '--data', '/proc/nope']);
    expect(missing.status).to.equal(1);
    expect(missing.stderr.trim().split('\n')).to.have.length(1);
    expect(missing.stderr).to.match(/no store at \/proc\/nope.*STORE_UNAVAILABLE/);
    const badLimit = cli(['messages', 'list', '--config', h.configDir, '--limit', 'lots']);
    expect(badLimit.status).to.equal(1);
    expect(badLimit.stderr.trim()).to.match(/^ers-bridge: --limit must be a whole number/);
    const badId = cli(['messages', 'show', 'x', '--config', h.configDir, '--data', h.dataDir]);
    expect(badId.stderr.trim().split('\n')).to.have.length(1);
    const start = cli(['start', '--config', h.configDir, '--data', '/proc/nope']);
    expect(start.status).to.equal(1);
    expect(start.stderr.trim().split('\n')).to.have.length(1);
    expect(start.stderr).to.match(/cannot .*\/proc\/nope/);
    expect(start.stderr).to.not.match(/\n\s+at /);
  });
});

describe('SQLite store next to another writer (CLI beside a running engine)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('waits for the other connection’s write instead of failing with "database is locked"', async () => {
    const file = join(h.dataDir, 'ers-bridge.db');
    const store = new SqliteMessageStore({ file });
    try {
      const { id } = await store.append(msg());
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      other.prepare("INSERT INTO checkpoints (key, value, updated_at) VALUES ('k', '1', 1)").run();
      const reprocess = store.reprocess(id, { actor: 'cli:test' });
      await new Promise((r) => setTimeout(r, 300));
      other.exec('COMMIT');
      other.close();
      expect(await reprocess).to.deep.include({ ok: true });
      expect(await store.getCheckpoint('k')).to.equal(1);
    } finally {
      await store.close();
    }
  });
});
