import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadSettings } from '../config/load-settings.js';
import { openStore } from '../store/index.js';
import type { MessageStore } from '../core/store-types.js';

/** The --config / --data options every command that reads the store or config shares. */
export function withConfigOptions(command: Command): Command {
  return command
    .option('-c, --config <dir>', 'folder holding settings.yaml, channels/ and mappings/', '.')
    .option(
      '-d, --data <dir>',
      'data folder (store, drop folders); default: settings dataDir or ./data',
    );
}

/** What marks a folder as an ers-bridge config folder: any one of these. */
const CONFIG_MARKERS = ['settings.yaml', 'channels', 'mappings'] as const;

/**
 * The config folder a command reads, resolved, or a one-line error naming the folder it looked
 * in: run from the wrong place, a command must not quietly use defaults or create a store there.
 */
export function configFolder(dir: string): string {
  const folder = resolve(dir);
  if (CONFIG_MARKERS.some((marker) => existsSync(join(folder, marker)))) return folder;
  throw new Error(
    `${folder} is not an ers-bridge config folder (it has no ${CONFIG_MARKERS.join(', ')}): ` +
      'run the command from one, or pass --config DIR',
  );
}

export interface ConfigFlags {
  config: string;
  data?: string;
}

/** Opens the configured store next to a running engine (waiting for its writes, never locking
 * it out). `create: false` (reading commands): a missing store is a one-line error. */
export async function openStoreFromFlags(
  flags: ConfigFlags,
  options: { create?: boolean } = {},
): Promise<MessageStore> {
  const { settings } = loadSettings(configFolder(flags.config));
  return openStore({
    url: settings.store,
    dataDir: resolve(flags.data ?? settings.dataDir),
    sqliteWriterThread: settings.sqliteWriterThread,
    create: options.create ?? true,
  });
}

/** A whole number option (e.g. --limit), or a one-line error naming the option. */
export function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`${name} must be a whole number above 0, not "${text}"`);
  return n;
}

/** A message id argument, or a one-line error. */
export function messageId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new Error(`"${text}" is not a message id (a whole number)`);
  return id;
}
