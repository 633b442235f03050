import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ErsAuditEntry } from '../../core/store-types.js';
import { openStoreFromFlags, withConfigOptions, type ConfigFlags } from '../options.js';
import { cliActor } from '../output.js';

/** Detail fields exported as they are, after the fixed columns (ENDPOINTS.md §8). */
const DETAIL_COLUMNS = [
  'eventType',
  'auditType',
  'ubrn',
  'createdUbrn',
  'nhsNumberHash',
  'httpStatus',
  'transactionId',
  'correlationId',
  'authMode',
  'accessMode',
  'userId',
  'onBehalfOfUserId',
  'organisation',
  'organisationName',
  'businessFunction',
  'asid',
  'sessionId',
  'host',
  'resourceType',
  'attachmentId',
  'fileName',
  'durationMs',
] as const;

/** Columns of the local e-RS audit, in the order a subject access request reads. */
const COLUMNS = ['id', 'eventTime', 'endpoint', ...DETAIL_COLUMNS] as const;

const csvCell = (v: unknown): string => {
  const text = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Pure: audit rows as CSV, times as UTC `yyyy-MM-dd HH:mm:ss.SSS` (the format e-RS asks for). */
export function auditCsv(rows: readonly ErsAuditEntry[]): string {
  const lines = rows.map((r) => {
    const fixed = [
      r.id,
      new Date(r.at).toISOString().replace('T', ' ').replace('Z', ''),
      r.endpoint,
    ];
    return [...fixed, ...DETAIL_COLUMNS.map((c) => r.detail[c])].map(csvCell).join(',');
  });
  return `${[COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

const time = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new Error(
      `--${name} "${value}" is not a date (use e.g. 2026-11-01 or 2026-11-01T09:00:00Z)`,
    );
  return t;
};

export function register(program: Command): void {
  const audit = program.command('audit').description('the local audit of e-RS API calls');
  withConfigOptions(audit.command('export'))
    .description('write the e-RS call audit as CSV (for subject access requests)')
    .option('--from <date>', 'first moment included (UTC)')
    .option('--to <date>', 'first moment excluded (UTC)')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(async (flags: ConfigFlags & { from?: string; to?: string; out?: string }) => {
      const store = await openStoreFromFlags(flags, { create: false });
      try {
        const from = time(flags.from, 'from');
        const to = time(flags.to, 'to');
        const rows = await store.listErsAudit({
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        });
        await store.appendAudit({
          at: Date.now(),
          actor: cliActor(),
          action: 'audit.export',
          target: null,
          detail: { rows: rows.length, from: flags.from ?? null, to: flags.to ?? null },
        });
        const csv = auditCsv(rows);
        if (flags.out) {
          writeFileSync(flags.out, csv);
          process.stderr.write(`${rows.length} audit row(s) written to ${flags.out}\n`);
        } else {
          process.stdout.write(csv);
        }
      } finally {
        await store.close();
      }
    });
}
