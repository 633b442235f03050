import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrate } from '../../src/cli/commands/migrate.js';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/index.js';
import { startEngineProcess } from '../support/engine-process.js';
import { pgCluster } from '../support/pg-cluster.js';

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

  // In-process: the command's action is runMigrate; the spawned CLI is exercised by `start` below.
  const migrate = (): Promise<string> => runMigrate({ config: dir });

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

describe('cli: ers-bridge migrate (SQLite)', () => {
  it('reports the schema version of the embedded store, which migrates when opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ers-migrate-'));
    try {
      writeFileSync(join(dir, 'settings.yaml'), `dataDir: ${join(dir, 'data')}\n`);
      expect(await runMigrate({ config: dir })).to.match(
        /ers-bridge\.db: SQLite migrates when opened; schema is at version [1-9]/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
