import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { describeStore, openStore } from '../../store/index.js';
import { migratePostgres, type MigrationReport } from '../../store/postgres/index.js';
import { configFolder, withConfigOptions, type ConfigFlags } from '../options.js';

const isPostgres = (url: string): boolean =>
  url.startsWith('postgres://') || url.startsWith('postgresql://');

/** Pure: what `migrate` prints for a report. */
export function describeMigration(store: string, report: MigrationReport): string {
  if (report.applied.length === 0) {
    return `${store}: schema is at version ${report.to}; nothing to apply`;
  }
  const list = report.applied.map((v) => `  applied migration ${v}`).join('\n');
  return `${store}: schema version ${report.from} -> ${report.to}\n${list}`;
}

/** Applies pending migrations to the configured store and reports them. */
export async function runMigrate(flags: ConfigFlags, now = Date.now()): Promise<string> {
  const { settings } = loadSettings(configFolder(flags.config));
  const dataDir = resolve(flags.data ?? settings.dataDir);
  const name = describeStore(settings.store, dataDir);
  if (isPostgres(settings.store)) {
    return describeMigration(name, await migratePostgres(settings.store, now));
  }
  // The embedded SQLite store migrates itself when opened: nothing can share it meanwhile.
  const store = await openStore({ url: settings.store, dataDir });
  try {
    const version = await store.schemaVersion();
    return `${name}: SQLite migrates when opened; schema is at version ${version}`;
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  withConfigOptions(program.command('migrate'))
    .description(
      'apply pending store schema migrations (PostgreSQL: run once per upgrade, before starting instances)',
    )
    .action(async (flags: ConfigFlags) => {
      process.stdout.write(`${await runMigrate(flags)}\n`);
    });
}
