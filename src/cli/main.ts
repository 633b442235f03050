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

const program = new Command()
  .name('ers-bridge')
  .description(
    'Interface engine between a hospital PAS (HL7 v2, files) and the NHS e-Referral Service',
  )
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

await program.parseAsync(process.argv);
