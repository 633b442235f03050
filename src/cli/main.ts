// cli: the `ers-bridge` command. Each command lives in commands/<name>.ts and exports register(program).
import { Command } from 'commander';
import { register as registerStart } from './commands/start.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerMessages } from './commands/messages.js';
import { register as registerAudit } from './commands/audit.js';
import { register as registerUsers } from './commands/users.js';
import { register as registerSend } from './commands/send.js';
import { register as registerHl7 } from './commands/hl7.js';
import { register as registerMapping } from './commands/mapping.js';
import { register as registerLetters } from './commands/letters.js';
import { register as registerSandbox } from './commands/sandbox.js';
import { register as registerMigrate } from './commands/migrate.js';
import { exitQuietlyOnEpipe, packageVersion } from './output.js';

exitQuietlyOnEpipe(process.stdout);

const program = new Command()
  .name('ers-bridge')
  .description(
    'Interface engine between a hospital PAS (HL7 v2, files) and the NHS e-Referral Service',
  )
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError()
  .enablePositionalOptions();

for (const register of [
  registerStart,
  registerValidate,
  registerMessages,
  registerAudit,
  registerSend,
  registerHl7,
  registerMapping,
  registerLetters,
  registerSandbox,
  registerUsers,
  registerMigrate,
])
  register(program);

/**
 * Ordinary mistakes (a missing or read-only store, a second engine, a bad argument, a port in
 * use) end with one line naming the problem and its code, never a stack trace. Set
 * ERS_BRIDGE_DEBUG=1 for the stack.
 */
function exitWith(error: unknown): never {
  const e = error as { code?: unknown; message?: unknown; stack?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? ` [${e.code}]` : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  process.stderr.write(`ers-bridge: ${message.split('\n')[0] ?? ''}${code}\n`);
  if (process.env['ERS_BRIDGE_DEBUG'] === '1' && typeof e.stack === 'string')
    process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  exitWith(error);
}
