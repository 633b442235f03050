import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { DateTime } from 'luxon';
import { listTable } from '../../src/cli/commands/messages.js';
import { repoRoot } from '../support/engine-process.js';
import { CLI, childEnv, createCliStore, runCli, type CliStore } from './support.js';

const LONG_CHANNEL = 'pas-referrals-from-the-west-wing-outpatients-booking-office';

describe('cli: ers-bridge messages list', () => {
  let s: CliStore;
  beforeEach(() => {
    s = createCliStore();
  });
  afterEach(() => {
    s.cleanup();
  });

  const seed = (): Promise<number[]> =>
    s.seed(
      [{}, { channel: LONG_CHANNEL, controlId: 'c'.repeat(70) }, { messageType: 'csv-row' }],
      async (store, ids) => {
        await store.transition(ids[1] ?? 0, {
          to: 'NEEDS_REVIEW',
          stage: 'test',
          actor: 'test',
          patch: { error: { code: 'ERS_OUTCOME_UNKNOWN', message: 'timeout', retry: 'ambiguous' } },
        });
      },
    );

  it('prints a header row and columns that line up within 100 characters when not a terminal', async () => {
    const ids = await seed();
    const { code, stdout, stderr } = await runCli(['messages', 'list', ...s.flags]);
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    const header = lines[0] ?? '';
    expect(header).to.match(
      /^\s*ID {2}RECEIVED \(UK\)\s+CHANNEL\s+STATUS\s+TYPE\s+CONTROL ID\s+ERROR$/,
    );
    expect(lines.at(-1)).to.equal('3 message(s)');
    const rows = lines.slice(1, -1);
    expect(rows).to.have.length(3);
    for (const line of lines) expect(line.length, line).to.be.at.most(100);
    // Every status starts under STATUS, whatever the channel or status length.
    const at = header.indexOf('STATUS');
    expect(rows.map((r) => r.slice(at).split(/\s+/)[0])).to.deep.equal([
      'RECEIVED',
      'NEEDS_REVIEW',
      'RECEIVED',
    ]);
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).to.deep.equal(ids.reverse().map(String));
    // The long channel and control id are cut with an ellipsis, not wrapped.
    expect(rows[1]).to.contain('…');
    expect(rows[1]).to.match(/ERS_OUTCOME_UNKNOWN$/);
    // UK local time of the receipt, to the second.
    const received = header.indexOf('RECEIVED (UK)');
    const shown = rows[0]?.slice(received, received + 19) ?? '';
    const when = DateTime.fromFormat(shown, 'yyyy-LL-dd HH:mm:ss', { zone: 'Europe/London' });
    expect(when.isValid, shown).to.equal(true);
    expect(Math.abs(when.toMillis() - Date.now())).to.be.below(10 * 60_000);
  });

  it('on a terminal, fits its width (stty cols 72)', async function () {
    await seed();
    if (spawnSync('script', ['--version']).error !== undefined) this.skip();
    const command = [process.execPath, '--import', 'tsx', CLI, 'messages', 'list', ...s.flags]
      .map((a) => `'${a}'`)
      .join(' ');
    const run = spawnSync('script', ['-qec', `stty cols 72; ${command}`, '/dev/null'], {
      cwd: repoRoot,
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(run.status).to.equal(0);
    const lines = run.stdout.replace(/\r/g, '').trimEnd().split('\n');
    expect(lines[0]).to.match(/^\s*ID {2}RECEIVED/);
    expect(lines).to.have.length(5);
    for (const line of lines) expect(line.length, line).to.be.at.most(72);
    expect(lines.some((l) => l.length > 66)).to.equal(true); // uses the width it has
  });

  it('--json stays one object per line, without the header', async () => {
    await seed();
    const { stdout } = await runCli(['messages', 'list', '--json', ...s.flags]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect((JSON.parse(lines[0] ?? '') as { status: string }).status).to.equal('RECEIVED');
  });

  it('fits a narrow terminal by cutting only the cuttable columns', () => {
    const row = {
      id: 123456,
      channel: LONG_CHANNEL,
      status: 'NEEDS_REVIEW',
      messageType: 'REF^I12',
      controlId: 'x'.repeat(40),
      attempts: 1,
      receivedAt: Date.UTC(2026, 6, 1, 12, 0, 0),
      updatedAt: 0,
      errorCode: 'ERS_OUTCOME_UNKNOWN',
    } as const;
    const lines = listTable([row], 80);
    for (const line of lines) expect(line.length, line).to.be.at.most(80);
    expect(lines[1]).to.match(/^123456 {2}2026-07-01 13:00:00 {2}/); // BST in July
    expect(lines[1]).to.contain('NEEDS_REVIEW');
  });
});
