import type { Command } from 'commander';
import { auditableQuery } from '../../admin/service/message-query.js';
import { savedQueryOf } from '../../admin/service/saved-filters.js';
import type { SavedFilter } from '../../core/store-types.js';
import { cliActor, localTime, renderTable, terminalWidth, type Column } from '../output.js';
import { withConfigOptions, type ConfigFlags } from '../options.js';
import { queryOf, searchOptions, type SearchFlags } from './messages-search.js';
import { withStore } from './with-store.js';

const COLUMNS: readonly Column[] = [
  { header: 'NAME' },
  { header: 'SEARCH', shrink: 1 },
  { header: 'SAVED BY', shrink: 2 },
  { header: 'SAVED (UK)' },
];

/** Pure: `channel=pas status=ERROR since=24h`, the fields in the order they were saved. */
export function describeQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([k, v]) => `${k}=${/\s/.test(v) ? JSON.stringify(v) : v}`)
    .join(' ');
}

/** `messages filters list` as a table with a header row, fitted to the width. */
export function filtersTable(filters: readonly SavedFilter[], width: number): string[] {
  return renderTable(
    COLUMNS,
    filters.map((f) => [f.name, describeQuery(f.query), f.savedBy, localTime(f.savedAt)]),
    width,
  );
}

/** `messages filters list|save|delete`: the saved searches the dashboard and API share. */
export function registerFilters(messages: Command): void {
  const filters = messages
    .command('filters')
    .description('saved searches, shared with the dashboard and the API');

  withConfigOptions(filters.command('list'))
    .description('list the saved filters')
    .option('--json', 'one JSON object per line')
    .action((flags: ConfigFlags & { json?: boolean }) =>
      withStore(flags, async (store) => {
        const all = await store.listFilters();
        if (flags.json === true) {
          process.stdout.write(all.map((f) => `${JSON.stringify(f)}\n`).join(''));
          return;
        }
        const lines = all.length > 0 ? filtersTable(all, terminalWidth()) : [];
        process.stdout.write([...lines, `${all.length} saved filter(s)`, ''].join('\n'));
      }),
    );

  searchOptions(filters.command('save <name>'))
    .description('save the search flags under a name (replaces one of that name)')
    .action((name: string, flags: SearchFlags) => {
      const query = savedQueryOf(name, queryOf(flags));
      return withStore(flags, async (store) => {
        const actor = cliActor();
        await store.saveFilter({ name, query, savedBy: actor, savedAt: Date.now() });
        await store.appendAudit({
          at: Date.now(),
          actor,
          action: 'filter.save',
          target: name,
          detail: auditableQuery(query),
        });
        process.stdout.write(`saved filter ${name}: ${describeQuery(query)}\n`);
      });
    });

  withConfigOptions(filters.command('delete <name>'))
    .description('delete a saved filter')
    .action((name: string, flags: ConfigFlags) =>
      withStore(flags, async (store) => {
        if (!(await store.deleteFilter(name))) {
          process.stderr.write(`there is no saved filter "${name}"\n`);
          process.exitCode = 1;
          return;
        }
        await store.appendAudit({
          at: Date.now(),
          actor: cliActor(),
          action: 'filter.delete',
          target: name,
          detail: {},
        });
        process.stdout.write(`deleted filter ${name}\n`);
      }),
    );
}
