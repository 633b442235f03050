import type { Command } from 'commander';
import { writeFileAtomically } from '../../core/atomic-write.js';
import type { MappingVersion } from '../../core/store-types.js';
import {
  deployedMapping,
  findVersion,
  mappingVersionOf,
  rollbackFiles,
  versionDiff,
} from '../../mapping/versions.js';
import { cliActor, localTime, renderTable, terminalWidth } from '../output.js';
import { configFolder, withConfigOptions, type ConfigFlags } from '../options.js';
import { withStore } from './with-store.js';

/** Pure: one row per kept version, the deployed one marked. */
export function historyTable(
  versions: readonly MappingVersion[],
  deployedHash: string | undefined,
  width: number,
): string[] {
  return renderTable(
    [
      { header: 'VERSION' },
      { header: 'FIRST USED (UK)' },
      { header: 'FILE', shrink: 1 },
      { header: '' },
    ],
    versions.map((v) => [
      v.hash.slice(0, 12),
      localTime(v.firstSeenAt),
      v.file,
      v.hash === deployedHash ? 'deployed' : '',
    ]),
    width,
  );
}

export function registerVersions(mapping: Command): void {
  withConfigOptions(mapping.command('history <mapping-id>'))
    .description('the kept versions of a mapping (every text an engine compiled), newest first')
    .action((mappingId: string, flags: ConfigFlags) =>
      withStore(flags, async (store) => {
        const versions = await store.mappingVersions(mappingId);
        const deployed = deployedMapping(configFolder(flags.config), mappingId);
        if (versions.length === 0) {
          process.stdout.write(
            `no kept versions of ${mappingId} (an engine keeps each one it loads)\n`,
          );
          return;
        }
        const lines = historyTable(versions, deployed?.hash, terminalWidth());
        const note =
          deployed !== undefined && !versions.some((v) => v.hash === deployed.hash)
            ? [`the file now in ${deployed.file} is a version no engine has loaded yet`]
            : [];
        process.stdout.write(`${[...lines, ...note].join('\n')}\n`);
      }),
    );

  withConfigOptions(mapping.command('diff <mapping-id> <version> [other]'))
    .description('what changed between two kept versions, or between one and the file deployed now')
    .action((mappingId: string, version: string, other: string | undefined, flags: ConfigFlags) =>
      withStore(flags, async (store) => {
        const versions = await store.mappingVersions(mappingId);
        const from = findVersion(versions, version);
        let to: MappingVersion;
        if (other !== undefined) to = findVersion(versions, other);
        else {
          const configDir = configFolder(flags.config);
          const deployed = deployedMapping(configDir, mappingId);
          if (deployed === undefined) throw new Error(`no file in mappings/ has id ${mappingId}`);
          to = mappingVersionOf(deployed, configDir, Date.now());
        }
        process.stdout.write(versionDiff(from, to));
      }),
    );

  withConfigOptions(mapping.command('rollback <mapping-id> <version>'))
    .description(
      'write a kept version back over the deployed mapping file (and its tables); hot reload picks it up',
    )
    .action((mappingId: string, version: string, flags: ConfigFlags) =>
      withStore(flags, async (store) => {
        const configDir = configFolder(flags.config);
        const target = findVersion(await store.mappingVersions(mappingId), version);
        const deployed = deployedMapping(configDir, mappingId);
        if (deployed === undefined) throw new Error(`no file in mappings/ has id ${mappingId}`);
        if (deployed.hash === target.hash) {
          process.stdout.write(`${mappingId} is already at ${target.hash.slice(0, 12)}\n`);
          return;
        }
        const files = rollbackFiles(target, deployed.file);
        for (const f of files) await writeFileAtomically(f.path, f.text);
        await store.appendAudit({
          at: Date.now(),
          actor: cliActor(),
          action: 'mapping.rollback',
          target: mappingId,
          detail: { from: deployed.hash, to: target.hash, files: files.map((f) => f.path) },
        });
        process.stdout.write(
          [
            `${mappingId}: ${deployed.hash.slice(0, 12)} → ${target.hash.slice(0, 12)}`,
            ...files.map((f) => `  wrote ${f.path}`),
            'a running engine reloads the channels that use it (hot reload)',
            '',
          ].join('\n'),
        );
      }),
    );
}
