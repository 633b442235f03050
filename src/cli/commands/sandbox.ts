import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { DEFAULT_SEED, startSandbox, type Seed } from '../../sandbox/index.js';

/** A seed file (YAML or JSON, JSON being YAML) replaces the default seed's top-level lists it names. */
export async function loadSeedFile(file: string): Promise<Seed> {
  const parsed = parse(await readFile(file, 'utf8')) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`seed file ${file} must hold a mapping of seed lists`);
  return { ...DEFAULT_SEED, ...(parsed as Partial<Seed>) };
}

export function register(program: Command): void {
  program
    .command('sandbox')
    .description('run the local e-RS sandbox alone')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4000')
    .option('--host <h>', 'interface to listen on', '127.0.0.1')
    .option('--seed <file>', 'YAML/JSON seed file replacing parts of the default seed')
    .action(async (options: { port: string; host: string; seed?: string }) => {
      const seed = options.seed ? await loadSeedFile(options.seed) : undefined;
      const running = await startSandbox({
        host: options.host,
        port: Number(options.port),
        ...(seed ? { seed } : {}),
      });
      process.stdout.write(`e-RS sandbox listening on ${running.url}\n`);
      const stop = (): void => {
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
