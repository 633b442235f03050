import type { Command } from 'commander';
import { runEngine } from '../../main/run.js';
import { withConfigOptions, type ConfigFlags } from '../options.js';

export function register(program: Command): void {
  withConfigOptions(program.command('start'))
    .description('run the engine: channels, embedded e-RS sandbox, admin API and dashboard')
    .option(
      '--http-port <port>',
      'admin API and dashboard port (env ERS_BRIDGE_HTTP_PORT, default 8080)',
    )
    .option(
      '--mllp-port <port>',
      'port of the sample MLLP channel (env ERS_BRIDGE_MLLP_PORT, default 2575)',
    )
    .option(
      '--sandbox-port <port>',
      'embedded e-RS sandbox port (env ERS_BRIDGE_SANDBOX_PORT, default 8090)',
    )
    .action(
      async (
        flags: ConfigFlags & { httpPort?: string; mllpPort?: string; sandboxPort?: string },
      ) => {
        // Flags are applied as the documented environment variables, so there is one path for both.
        const env = { ...process.env };
        if (flags.httpPort) env['ERS_BRIDGE_HTTP_PORT'] = flags.httpPort;
        if (flags.mllpPort) env['ERS_BRIDGE_MLLP_PORT'] = flags.mllpPort;
        if (flags.sandboxPort) env['ERS_BRIDGE_SANDBOX_PORT'] = flags.sandboxPort;
        if (flags.data) env['ERS_BRIDGE_DATA_DIR'] = flags.data;
        const running = await runEngine({ configDir: flags.config, env });
        const lines = [
          'ers-bridge is running',
          `  store      ${running.settings.store === 'sqlite' ? `${running.dataDir}/ers-bridge.db` : running.settings.store.replace(/\/\/[^@/]*@/, '//***@')}`,
          `  dashboard  ${running.adminUrl ?? '(admin stage not installed)'}`,
          ...running.engine
            .channels()
            .map(
              (c) =>
                `  channel    ${c.id.padEnd(22)} ${c.state.padEnd(8)} ${c.source?.endpoint ?? ''}`,
            ),
          ...running.failures.map((f) => `  REFUSED    ${f}`),
          'Press Ctrl+C to stop.',
        ];
        process.stderr.write(`${lines.join('\n')}\n`);
        let stopping = false;
        const shutdown = (signal: string): void => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`${signal}: stopping (finishing in-flight messages)…\n`);
          running.stop().then(
            () => process.exit(0),
            (error: unknown) => {
              process.stderr.write(`stop failed: ${(error as Error).message}\n`);
              process.exit(1);
            },
          );
        };
        process.once('SIGINT', () => {
          shutdown('SIGINT');
        });
        process.once('SIGTERM', () => {
          shutdown('SIGTERM');
        });
      },
    );
}
