/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` + `pg_ctl start` in a temp
 * directory on a free port (unix socket in the same directory, trust auth on 127.0.0.1), run as
 * the `postgres` user when we are root (initdb refuses root). One cluster per process, started on
 * first use and shared by every test file; it is stopped and removed when the process exits.
 * Each caller gets its own database (`freshDatabase`) or schema (`freshSchemaUrl`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './engine-process.js';

export interface PgCluster {
  readonly port: number;
  /** A connection URL for one database of the cluster. */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  freshDatabase(): Promise<string>;
  /** Creates an empty schema in the shared test database and returns a URL whose search_path is it. */
  freshSchemaUrl(): Promise<string>;
}

/** The newest installed PostgreSQL's bin folder (Debian layout), or PG_BIN. */
export function findPgBin(): string {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb. Install Debian\'s "postgresql" package (scripts/test.sh does) or set PG_BIN to the folder holding initdb and pg_ctl.',
    );
  }
  return join(root, newest, 'bin');
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** Runs a PostgreSQL program as the cluster's owner (postgres when we are root). */
function runPg(bin: string, program: string, args: string[]): void {
  const [cmd, argv] = asRoot()
    ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]]
    : [join(bin, program), args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${program} failed (${String(result.status ?? result.signal)}): ${result.stderr || result.stdout}`,
    );
  }
}

async function startCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  const dir = mkdtempSync(join(tmpdir(), 'ers-pg-'));
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const superuser = asRoot() ? 'postgres' : userInfo().username;
  runPg(bin, 'initdb', ['-D', data, '-U', superuser, '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    `-c listen_addresses=127.0.0.1`,
    // Two engines, a bench and the contract suite each hold a pool of connections.
    `-c max_connections=200`,
  ].join(' ');
  runPg(bin, 'pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = (): void => {
    spawnSync(
      asRoot() ? 'runuser' : join(bin, 'pg_ctl'),
      asRoot()
        ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']
        : ['-D', data, '-m', 'immediate', 'stop'],
      { timeout: 30_000 },
    );
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  // An interrupted run (Ctrl+C, a CI timeout) removes the cluster too, then dies of the signal.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.off('exit', stop);
      stop();
      process.kill(process.pid, signal);
    });
  }
  const url = (database = 'postgres'): string =>
    `postgres://${superuser}@127.0.0.1:${port}/${database}`;
  let n = 0;
  const admin = async <T>(database: string, work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  let shared: Promise<string> | undefined;
  const freshDatabase = async (): Promise<string> => {
    const name = `t${process.pid}_${n++}`;
    await admin('postgres', (c) => c.query(`CREATE DATABASE ${name}`));
    return url(name);
  };
  return {
    port,
    url,
    freshDatabase,
    async freshSchemaUrl() {
      shared ??= freshDatabase();
      const base = await shared;
      const schema = `s${n++}`;
      const database = new URL(base).pathname.slice(1);
      await admin(database, (c) => c.query(`CREATE SCHEMA ${schema}`));
      return `${base}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    },
  };
}

let cluster: Promise<PgCluster> | undefined;

/** The process's one cluster, started on first call. */
export function pgCluster(): Promise<PgCluster> {
  cluster ??= startCluster();
  return cluster;
}
