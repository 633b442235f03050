import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../support/recorder-destination.js';
import { recorded, resetRecorder } from '../../support/recorder-destination.js';
import { createHarness, eventually, type Harness } from '../../support/engine-harness.js';

const channel = (format = 'csv') => `
id: drop
source: { type: file, folder: drop, format: ${format}, pollIntervalMs: 50, stableMs: 100 }
destinations:
  - { name: rec, type: test-recorder }
`;
const GOOD = 'nhs_number,priority\r\n9912003896,ROUTINE\r\n9462979626,URGENT\r\n';
// Row 2's quoted field goes on after its closing quote: every later row may be split wrongly.
const BAD_QUOTE =
  'nhs_number,priority\r\n9912003896,ROUTINE\r\n9462979626,"URG"ENT\r\n9434765919,ROUTINE\r\n';

describe('sources/file-drop: malformed and unreadable files', () => {
  let h: Harness;
  let drop: string;
  beforeEach(() => {
    h = createHarness();
    drop = join(h.dataDir, 'drop');
    mkdirSync(drop, { recursive: true });
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  const report = (name: string): string =>
    readFileSync(join(drop, 'error', `${name}.errors.csv`), 'utf8');

  it('moves a CSV file with a broken quote to error/ with a FORMAT_CSV_ROW report, storing none of it, and runs on', async () => {
    h.writeChannel('d.yaml', channel());
    const running = await h.start();
    writeFileSync(join(drop, 'broken.csv'), BAD_QUOTE);
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'broken.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'broken.csv'))) ||
        undefined,
    );
    expect(readFileSync(join(drop, 'error', 'broken.csv'), 'utf8')).to.equal(BAD_QUOTE);
    const lines = report('broken.csv').split('\r\n');
    expect(lines[0]).to.equal('row,column,value,reason');
    expect(lines[1]).to.match(/^2,,,"?FORMAT_CSV_ROW: row 2 \(line 3\): a quoted field goes on/);
    expect(lines[1]).to.include('nothing was stored');
    expect(readdirSync(join(drop, 'processing'))).to.deep.equal([]);
    // The channel runs on: the next file is taken and stored.
    writeFileSync(join(drop, 'good.csv'), GOOD);
    await eventually(() => recorded.length === 2 || undefined);
    expect((await running.store.list({ channel: 'drop' })).length).to.equal(2);
  });

  it('stores each row once when the corrected file is dropped again', async () => {
    h.writeChannel('d.yaml', channel());
    const running = await h.start();
    writeFileSync(join(drop, 'x.csv'), BAD_QUOTE);
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'x.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'x.csv'))) ||
        undefined,
    );
    writeFileSync(join(drop, 'x.csv'), BAD_QUOTE.replace('"URG"ENT', 'URGENT'));
    await eventually(() => recorded.length === 3 || undefined);
    expect((await running.store.list({ channel: 'drop' })).length).to.equal(3);
  });

  it('after a restart, moves a malformed file left in processing/ to error/ and starts the channel', async () => {
    h.writeChannel('d.yaml', channel());
    mkdirSync(join(drop, 'processing'), { recursive: true });
    writeFileSync(join(drop, 'processing', 'left.csv'), BAD_QUOTE);
    const running = await h.start();
    expect(running.engine.channels().find((c) => c.id === 'drop')?.state).to.equal('STARTED');
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'left.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'left.csv'))) ||
        undefined,
    );
    expect(report('left.csv')).to.include('FORMAT_CSV_ROW');
    expect(existsSync(join(drop, 'processing', 'left.csv'))).to.equal(false);
    writeFileSync(join(drop, 'next.csv'), GOOD);
    await eventually(() => recorded.length === 2 || undefined);
  });

  it('after a restart, moves an unreadable entry left in processing/ to error/ and runs on', async () => {
    h.writeChannel('d.yaml', channel());
    // A folder where a file should be: reading it fails (EISDIR) as an unreadable file would.
    mkdirSync(join(drop, 'processing', 'odd.csv'), { recursive: true });
    const running = await h.start();
    expect(running.engine.channels().find((c) => c.id === 'drop')?.state).to.equal('STARTED');
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'odd.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'odd.csv'))) ||
        undefined,
    );
    expect(report('odd.csv')).to.match(/could not be read \(EISDIR\)/);
    writeFileSync(join(drop, 'next.csv'), GOOD);
    await eventually(() => recorded.length === 2 || undefined);
  });

  it('reports a malformed XML file with its code and takes the next one', async () => {
    h.writeChannel('d.yaml', channel('xml'));
    await h.start();
    writeFileSync(join(drop, 'cut.xml'), '<referral><nhsNumber>9912003896</nhsNumber>');
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'cut.xml.errors.csv')) &&
          existsSync(join(drop, 'error', 'cut.xml'))) ||
        undefined,
    );
    expect(report('cut.xml')).to.include('FORMAT_UNPARSEABLE: not well-formed XML');
    writeFileSync(join(drop, 'ok.xml'), '<referral><nhsNumber>9912003896</nhsNumber></referral>');
    await eventually(() => recorded.length === 1 || undefined);
  });
});
