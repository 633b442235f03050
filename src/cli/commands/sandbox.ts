import type { Command } from 'commander';
import { startSandbox } from '../../sandbox/index.js';

export function register(program: Command): void {
  program
    .command('sandbox')
    .description('run the local e-RS sandbox alone')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4000')
    .option('--host <h>', 'interface to listen on', '127.0.0.1')
    .option('--seed <file>', 'YAML/JSON seed file laid over the default seed (docs/sandbox.md)')
    .option(
      '--faults <json>',
      'initial faults, e.g. \'{"latencyMs":200,"quotaPerMinute":60}\' (as POST /_sandbox/faults)',
    )
    .action(async (options: { port: string; host: string; seed?: string; faults?: string }) => {
      const running = await startSandbox({
        host: options.host,
        port: Number(options.port),
        ...(options.seed ? { seedFile: options.seed } : {}),
        ...(options.faults ? { faults: JSON.parse(options.faults) as unknown } : {}),
      });
      process.stdout.write(`e-RS sandbox listening on ${running.url}\n`);
      const stop = (): void => {
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
