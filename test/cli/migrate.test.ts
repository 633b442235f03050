import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/index.js';
import { repoRoot, startEngineProcess } from '../support/engine-process.js';
import { pgCluster } from '../support/pg-cluster.js';

const run = promisify(execFile);

describe('cli: ers-bridge migrate (PostgreSQL)', () => {
  let dir: string;
  let url: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ers-migrate-'));
    mkdirSync(join(dir, 'channels'));
    url = await (await pgCluster()).freshDatabase();
    writeFileSync(
      join(dir, 'settings.yaml'),
      `store: "${url}"\ndataDir: ${join(dir, 'data')}\nhttp: { port: 0 }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\n`,
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const migrate = async (): Promise<string> =>
    (
      await run(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'migrate', '--config', dir],
        { cwd: repoRoot },
      )
    ).stdout;

  it('applies the pending migrations, says which, and finds nothing to do the second time', async function () {
    this.timeout(60_000);
    const first = await migrate();
    expect(first).to.include(`schema version 0 -> ${PG_SCHEMA_VERSION}`);
    expect(first).to.include('applied migration 1');
    const second = await migrate();
    expect(second).to.include(`schema is at version ${PG_SCHEMA_VERSION}; nothing to apply`);
  });

  it('refuses to start an engine on a schema newer than it knows', async function () {
    this.timeout(60_000);
    await migrate();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)');
    await client.end();
    let error: unknown;
    await startEngineProcess(dir).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/schema is version 999.*upgrade ers-bridge/);
  });
});
