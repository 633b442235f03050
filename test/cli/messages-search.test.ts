import { expect } from 'chai';
import { hashSearchValue } from '../../src/store/search-keys.js';
import { createCliStore, runCli, type CliStore } from './support.js';

/** The ids in the ID column of `messages list` output (header and count lines dropped). */
const listed = (stdout: string): number[] =>
  stdout
    .trimEnd()
    .split('\n')
    .slice(1, -1)
    .map((line) => Number(line.trim().split(/\s+/)[0]));

describe('cli: ers-bridge messages list search flags and saved filters', function () {
  this.timeout(60_000);
  let s: CliStore;
  let ids: number[];
  beforeEach(async () => {
    s = createCliStore();
    ids = await s.seed(
      [
        { messageType: 'REF^I12', raw: Buffer.from('MSH|^~\\&|PAS\rPID|1||x||ZEBEDEE^Ann') },
        {
          channel: 'csv-referrals',
          messageType: 'csv-row',
          raw: Buffer.from('9912003888,R,SVC-00123'),
          sourceMeta: { file: 'week49.csv', row: 2 },
          searchKeys: { nhsNumberHash: hashSearchValue('9912003888') },
        },
        { messageType: 'MDM^T02' },
      ],
      async (store, seeded) => {
        // The first message's e-RS call created a UBRN: only its result names it.
        await store.transition(seeded[0] ?? 0, {
          to: 'SENT',
          stage: 'send',
          actor: 'test',
          patch: { destinationResults: { ers: { output: { ubrn: '000000090000' } } } },
        });
      },
    );
  });
  afterEach(() => {
    s.cleanup();
  });

  const list = async (...flags: string[]): Promise<number[]> => {
    const run = await runCli(['messages', 'list', ...flags, ...s.flags]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    return listed(run.stdout);
  };

  it('finds by a UBRN the message created, by NHS number a CSV row, by type in any case', async () => {
    expect(await list('--ubrn', '000000090000')).to.deep.equal([ids[0]]);
    expect(await list('--nhs', '991 200 3888')).to.deep.equal([ids[1]]);
    expect(await list('--type', 'ref^i12')).to.deep.equal([ids[0]]);
  });

  it('finds by source file and row, received time, and body text (audited as the OS user)', async () => {
    expect(await list('--file', 'week49.csv', '--row', '2')).to.deep.equal([ids[1]]);
    expect(await list('--file', 'week49.csv', '--row', '3')).to.deep.equal([]);
    expect(await list('--since', '1h')).to.have.length(3);
    expect(await list('--until', '1h')).to.deep.equal([]);
    expect(await list('--text', 'zebedee')).to.deep.equal([ids[0]]);
    const store = await s.open();
    try {
      const audit = await store.listAudit({});
      expect(audit.map((a) => a.action)).to.include('messages.search.text');
      expect(audit.find((a) => a.action === 'messages.search.text')?.actor).to.match(/^cli:/);
      expect(JSON.stringify(audit)).not.to.include('zebedee');
    } finally {
      await store.close();
    }
  });

  it('saves, lists (with a header), applies and deletes a named filter', async () => {
    const save = await runCli([
      'messages',
      'filters',
      'save',
      'csv-rows',
      '--channel',
      'csv-referrals',
      '--since',
      '7d',
      ...s.flags,
    ]);
    expect(save.stderr).to.equal('');
    expect(save.stdout).to.equal('saved filter csv-rows: channel=csv-referrals since=7d\n');
    const shown = await runCli(['messages', 'filters', 'list', ...s.flags]);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^NAME\s+SEARCH\s+SAVED BY\s+SAVED \(UK\)$/);
    expect(lines[1]).to.match(/^csv-rows\s+channel=csv-referrals since=7d\s+cli:\S+\s+\d{4}-/);
    expect(lines.at(-1)).to.equal('1 saved filter(s)');
    expect(await list('--filter', 'csv-rows')).to.deep.equal([ids[1]]);
    expect(await list('--filter', 'csv-rows', '--channel', 'pas-mllp')).to.have.length(2);
    const del = await runCli(['messages', 'filters', 'delete', 'csv-rows', ...s.flags]);
    expect(del.stdout).to.equal('deleted filter csv-rows\n');
    const again = await runCli(['messages', 'filters', 'delete', 'csv-rows', ...s.flags]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal('there is no saved filter "csv-rows"\n');
  });

  it('says what is wrong with a flag in one line, and names an unknown saved filter', async () => {
    const bad = await runCli(['messages', 'list', '--since', 'last week', ...s.flags]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('an age such as 24h or 7d');
    const nhs = await runCli([
      'messages',
      'filters',
      'save',
      'p',
      '--nhs',
      '9912003888',
      ...s.flags,
    ]);
    expect(nhs.code).to.equal(1);
    expect(nhs.stderr).to.include('cannot hold an NHS number');
    const missing = await runCli(['messages', 'list', '--filter', 'nope', ...s.flags]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('There is no saved filter "nope"');
  });
});
