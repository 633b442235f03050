import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../support/recorder-destination.js';
import { recorded, resetRecorder } from '../../support/recorder-destination.js';
import { createHarness, eventually, type Harness } from '../../support/engine-harness.js';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';
import { pgCluster } from '../../support/pg-cluster.js';

const root = join(import.meta.dirname, '..', '..', '..');
const HEADER = 'nhs_number,priority,service_code,specialty_code,clinic_type';
const channel = `
id: drop
source:
  type: file
  folder: drop
  format: csv
  pollIntervalMs: 50
  stableMs: 100
transformer: { type: mapping, mappings: [mappings/csv-referral-a021.yaml] }
destinations:
  - { name: rec, type: test-recorder }
`;
const cli = (args: string[]): string =>
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('sources/file-drop: the report of a file once its rows are mapped', () => {
  let h: Harness;
  let drop: string;
  beforeEach(() => {
    h = createHarness();
    drop = join(h.dataDir, 'drop');
    mkdirSync(drop, { recursive: true });
    // The shipped CSV referral mapping and its code tables, as a user's config holds them.
    cpSync(join(root, 'mappings', 'tables'), join(h.configDir, 'mappings', 'tables'), {
      recursive: true,
    });
    cpSync(
      join(root, 'mappings', 'csv-referral-a021.yaml'),
      join(h.configDir, 'mappings', 'csv-referral-a021.yaml'),
    );
    h.writeChannel('d.yaml', channel);
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('lists rows that fail mapping in errors.csv with row, column and reason, beside read problems', async () => {
    await h.start();
    writeFileSync(
      join(drop, 'mixed.csv'),
      [
        HEADER,
        '991 200 3896,U,SVC-00123,320,CLINIC-TYPE-2',
        '1234567890,R,SVC-00123,320,CLINIC-TYPE-2',
        '9912003888,X,SVC-00123,320,CLINIC-TYPE-2',
        '9462979626,R',
        '',
      ].join('\r\n'),
    );
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'mixed.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'mixed.csv'))) ||
        undefined,
    );
    expect(existsSync(join(drop, 'error', 'mixed.csv')), 'the file beside its report').to.equal(
      true,
    );
    const lines = readFileSync(join(drop, 'error', 'mixed.csv.errors.csv'), 'utf8').split('\r\n');
    expect(lines[0]).to.equal('row,column,value,reason');
    expect(lines[1]).to.match(/^2,nhs_number,1234567890,"?MAP_INVALID_VALUE: .*NHS number/);
    expect(lines[2]).to.match(/^3,priority,X,"?MAP_UNMAPPED_CODE: /);
    expect(lines[3]).to.match(/^4,,"9462979626,R","FORMAT_CSV_ROW: has 2 fields/);
    expect(lines.slice(4).filter((l) => l !== '')).to.deep.equal([]);
    expect(recorded).to.have.length(1);
  });

  it('moves a file whose rows all map to processed/ with no report', async () => {
    await h.start();
    writeFileSync(
      join(drop, 'fine.csv'),
      `${HEADER}\r\n9912003888,R,SVC-00123,320,CLINIC-TYPE-2\r\n`,
    );
    await eventually(() => readdirSync(join(drop, 'processed')).length === 1 || undefined);
    expect(readdirSync(join(drop, 'error'))).to.deep.equal([]);
    expect(recorded).to.have.length(1);
  });

  it('completes the report from the store after a crash between storing and reporting', async () => {
    // The crashed run had stored both rows, recorded a read problem in its checkpoint, and
    // row 2 had failed mapping; the engine died before the report was written.
    const text = `${HEADER}\r\n9912003888,R,SVC-00123,320,CLINIC-TYPE-2\r\n1234567890,R,SVC-00123,320,CLINIC-TYPE-2\r\n`;
    const sha = createHash('sha256').update(text).digest('hex');
    mkdirSync(join(drop, 'processing'), { recursive: true });
    writeFileSync(join(drop, 'processing', 'crashed.csv'), text);
    const store = new SqliteMessageStore({ file: join(h.dataDir, 'ers-bridge.db') });
    const ids = await store.appendMany(
      [1, 2].map((row) => ({
        channel: 'drop',
        sender: 'file:drop',
        controlId: `${sha}:${row}`,
        contentType: 'application/x-csv-row+json',
        raw: Buffer.from(
          JSON.stringify({
            row,
            columns: {
              nhs_number: row === 1 ? '9912003888' : '1234567890',
              priority: 'R',
              service_code: 'SVC-00123',
              specialty_code: '320',
              clinic_type: 'CLINIC-TYPE-2',
            },
          }),
        ),
        sourceMeta: { file: 'crashed.csv', sha256: sha, row },
      })),
    );
    await store.transition(ids[1]!.id, {
      to: 'ERROR',
      stage: 'transform',
      actor: 'test',
      patch: {
        error: {
          code: 'MAP_INVALID_VALUE',
          message: 'nhs_number: value is not a valid NHS number (check digit)',
          retry: 'permanent',
          at: 'nhs_number',
        },
      },
    });
    await store.setCheckpoint(`file:drop:${sha}`, {
      file: 'crashed.csv',
      done: 2,
      state: 'stored',
      problems: [
        { row: null, column: '', value: '', reason: 'from the first run', code: 'FORMAT_CSV_ROW' },
      ],
    });
    await store.close();
    const running = await h.start();
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'crashed.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'crashed.csv'))) ||
        undefined,
    );
    const lines = readFileSync(join(drop, 'error', 'crashed.csv.errors.csv'), 'utf8').split('\r\n');
    expect(lines[1]).to.equal('header,,,FORMAT_CSV_ROW: from the first run');
    expect(lines[2]).to.match(/^2,nhs_number,1234567890,"?MAP_INVALID_VALUE: /);
    expect(lines.slice(3).filter((l) => l !== '')).to.deep.equal([]);
    expect(recorded, 'row 1 mapped and sent after the restart').to.have.length(1);
    expect(existsSync(join(drop, 'processing', 'crashed.csv'))).to.equal(false);
    // Nothing stored twice: the file was not read again.
    expect(await running.store.list({ channel: 'drop' })).to.have.length(2);
    // The checkpoint is marked last, after the file moved beside its report.
    await eventually(async () => {
      const checkpoint = (await running.store.getCheckpoint(`file:drop:${sha}`)) as {
        state: string;
      };
      return checkpoint.state === 'done' || undefined;
    });
  });

  it('lists the records of one dropped file with messages list --file', async () => {
    await h.start();
    writeFileSync(
      join(drop, 'a.csv'),
      `${HEADER}\r\n9912003888,R,SVC-00123,320,CLINIC-TYPE-2\r\n1234567890,R,SVC-00123,320,CLINIC-TYPE-2\r\n`,
    );
    writeFileSync(join(drop, 'b.csv'), `${HEADER}\r\n9462979626,U,SVC-00123,320,CLINIC-TYPE-2\r\n`);
    await eventually(() => recorded.length === 2 || undefined);
    const listed = cli(['messages', 'list', '--file', 'a.csv', '--config', h.configDir]);
    expect(listed).to.match(/2 message\(s\)/);
    expect(listed).to.match(/MAP_INVALID_VALUE/);
    const json = cli(['messages', 'list', '--file', 'b.csv', '--json', '--config', h.configDir])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messageType: string });
    expect(json).to.have.length(1);
    expect(json[0]?.messageType).to.equal('csv-row');
  });

  it('writes the same report, and finds the file by name, with the PostgreSQL store', async function () {
    this.timeout(60_000);
    const url = await (await pgCluster()).freshDatabase();
    const running = await h.start(`store: "${url}"\n`);
    writeFileSync(
      join(drop, 'pg.csv'),
      `${HEADER}\r\n9912003888,R,SVC-00123,320,CLINIC-TYPE-2\r\n1234567890,R,SVC-00123,320,CLINIC-TYPE-2\r\n`,
    );
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'pg.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'pg.csv'))) ||
        undefined,
      30_000,
    );
    const lines = readFileSync(join(drop, 'error', 'pg.csv.errors.csv'), 'utf8').split('\r\n');
    expect(lines[1]).to.match(/^2,nhs_number,1234567890,"?MAP_INVALID_VALUE: /);
    expect(await running.store.list({ channel: 'drop', file: 'pg.csv' })).to.have.length(2);
    expect(await running.store.list({ channel: 'drop', file: 'other.csv' })).to.have.length(0);
  });
});
