import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { Option, type Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { cliActor } from '../output.js';
import {
  configFolder,
  openStoreFromFlags,
  withConfigOptions,
  type ConfigFlags,
} from '../options.js';
import { UserDirectory, usersFilePath } from '../../admin/auth/user-file.js';
import {
  addToken,
  addUser,
  revokeToken,
  setPassword,
  setRole,
  type UserAdminOptions,
} from '../../admin/auth/user-admin.js';
import { randomPassword } from '../../admin/auth/passwords.js';
import { Role } from '../../admin/auth/roles.js';

/** `ers-bridge users …`: dashboard users and API tokens in `<dataDir>/users.json`. */
function adminOptions(flags: ConfigFlags): UserAdminOptions {
  const dataDir = resolve(flags.data ?? loadSettings(configFolder(flags.config)).settings.dataDir);
  return { directory: new UserDirectory(usersFilePath(dataDir)), now: Date.now() };
}

/** The new password: the first line of stdin with --password-stdin, else a random one shown once. */
async function newPassword(flags: {
  passwordStdin?: boolean;
}): Promise<{ password: string; show: boolean }> {
  if (flags.passwordStdin)
    return { password: (await text(process.stdin)).split(/\r?\n/)[0] ?? '', show: false };
  return { password: randomPassword(), show: true };
}

/** User changes are config changes: they go in the store's audit log like the dashboard's. */
async function auditChange(
  flags: ConfigFlags,
  action: string,
  target: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  try {
    const store = await openStoreFromFlags(flags);
    try {
      await store.appendAudit({
        at: Date.now(),
        actor: cliActor(),
        action,
        target,
        detail,
      });
    } finally {
      await store.close();
    }
  } catch (error) {
    process.stderr.write(
      `warning: the change was made but could not be written to the audit log: ${(error as Error).message}\n`,
    );
  }
}

const roleOption = () =>
  new Option('-r, --role <role>', 'viewer, operator or admin')
    .choices(Object.values(Role))
    .default('viewer');
const stdinOption = () =>
  new Option('--password-stdin', 'read the password from the first line of standard input');

function fail(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

export function register(program: Command): void {
  const users = program.command('users').description('manage dashboard users and API tokens');

  withConfigOptions(users.command('list').description('list users, roles and token ids')).action(
    (flags: ConfigFlags) => {
      for (const u of adminOptions(flags).directory.current().users) {
        const tokens = u.tokens.map((t) => `${t.id} (${t.label})`).join(', ');
        process.stdout.write(`${u.name}\t${u.role}\t${tokens === '' ? 'no tokens' : tokens}\n`);
      }
    },
  );

  withConfigOptions(
    users
      .command('add <name>')
      .description('add a user (a random password is printed unless --password-stdin)'),
  )
    .addOption(roleOption())
    .addOption(stdinOption())
    .action(async (name: string, flags: ConfigFlags & { role: Role; passwordStdin?: boolean }) => {
      try {
        const { password, show } = await newPassword(flags);
        await addUser(adminOptions(flags), { name, role: flags.role, password });
        await auditChange(flags, 'user.add', name, { role: flags.role });
        process.stdout.write(
          show
            ? `added ${name} (${flags.role}) with password ${password}\n`
            : `added ${name} (${flags.role})\n`,
        );
      } catch (error) {
        fail(error);
      }
    });

  withConfigOptions(
    users
      .command('passwd <name>')
      .description("set a user's password (random unless --password-stdin)"),
  )
    .addOption(stdinOption())
    .action(async (name: string, flags: ConfigFlags & { passwordStdin?: boolean }) => {
      try {
        const { password, show } = await newPassword(flags);
        await setPassword(adminOptions(flags), name, password);
        await auditChange(flags, 'user.passwd', name);
        process.stdout.write(
          show ? `new password for ${name}: ${password}\n` : `password of ${name} changed\n`,
        );
      } catch (error) {
        fail(error);
      }
    });

  withConfigOptions(users.command('role <name> <role>').description("change a user's role")).action(
    async (name: string, role: string, flags: ConfigFlags) => {
      try {
        if (!Object.hasOwn(Role, role)) throw new Error('a role is viewer, operator or admin');
        setRole(adminOptions(flags), name, role as Role);
        await auditChange(flags, 'user.role', name, { role });
        process.stdout.write(`${name} is now ${role}\n`);
      } catch (error) {
        fail(error);
      }
    },
  );

  withConfigOptions(
    users
      .command('token <name>')
      .description('issue an API bearer token acting as the user (printed once)'),
  )
    .option('-l, --label <label>', 'what the token is for', 'api')
    .action(async (name: string, flags: ConfigFlags & { label: string }) => {
      try {
        const token = addToken(adminOptions(flags), name, flags.label);
        await auditChange(flags, 'user.token', name, { label: flags.label });
        process.stdout.write(`${token}\n`);
      } catch (error) {
        fail(error);
      }
    });

  withConfigOptions(
    users.command('revoke <tokenId>').description('revoke an API token by its id (see users list)'),
  ).action(async (tokenId: string, flags: ConfigFlags) => {
    if (!revokeToken(adminOptions(flags), tokenId)) {
      fail(new Error(`no token ${tokenId}`));
      return;
    }
    await auditChange(flags, 'user.revoke-token', tokenId);
    process.stdout.write(`revoked ${tokenId}\n`);
  });
}
