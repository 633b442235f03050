// cli: the `ers-bridge` command. Each command lives in commands/<name>.ts and exports register(program).
import { Command } from 'commander';
import { register as registerStart } from './commands/start.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerMessages } from './commands/messages.js';

const program = new Command()
  .name('ers-bridge')
  .description(
    'Interface engine between a hospital PAS (HL7 v2, files) and the NHS e-Referral Service',
  )
  .showHelpAfterError()
  .enablePositionalOptions();

for (const register of [registerStart, registerValidate, registerMessages]) register(program);

await program.parseAsync(process.argv);
