import { expect } from 'chai';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import '../../support/recorder-destination.js';
import { recorded, resetRecorder } from '../../support/recorder-destination.js';
import { createHarness, eventually, type Harness } from '../../support/engine-harness.js';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { freePort, startEngineProcess } from '../../support/engine-process.js';

const root = join(import.meta.dirname, '..', '..', '..');
const channel = (options: string) => `
id: drop
source:
  type: file
  folder: drop
  pollIntervalMs: 50
  stableMs: 200
${options
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
destinations:
  - { name: rec, type: test-recorder }
`;
const csvRows = (n: number): string =>
  [
    'nhs_number,priority,service',
    ...Array.from({ length: n }, (_, i) => `99120038${String(i).padStart(2, '0')},ROUTINE,120${i}`),
  ].join('\r\n') + '\r\n';

describe('sources/file-drop: files on a share folder', () => {
  let h: Harness;
  let drop: string;
  beforeEach(() => {
    h = createHarness();
    drop = join(h.dataDir, 'drop');
    mkdirSync(drop, { recursive: true });
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  const rowsOf = () =>
    recorded.map((r) => JSON.parse(r.body) as { row: number; columns: Record<string, string> });

  it('stores each CSV row (BOM, CRLF) as a message and moves the file to processed/', async () => {
    h.writeChannel(
      'd.yaml',
      channel('format: csv\ncsv: { expectedColumns: [nhs_number, priority] }'),
    );
    await h.start();
    writeFileSync(join(drop, 'referrals.csv'), `\uFEFF${csvRows(3)}`);
    await eventually(() => recorded.length === 3 || undefined);
    expect(
      rowsOf()
        .map((r) => r.row)
        .sort(),
    ).to.deep.equal([1, 2, 3]);
    expect(rowsOf()[0]?.columns).to.have.keys(['nhs_number', 'priority', 'service']);
    await eventually(() => readdirSync(join(drop, 'processed')).length === 1 || undefined);
    expect(readdirSync(join(drop, 'processed'))[0]).to.match(/_referrals\.csv$/);
  });

  it('waits while a writer is still appending, then takes the whole file', async () => {
    h.writeChannel('d.yaml', channel('format: csv'));
    await h.start();
    const file = join(drop, 'growing.csv');
    writeFileSync(file, 'nhs_number,priority,service\r\n');
    for (let i = 0; i < 6; i++) {
      appendFileSync(file, `991200388${i},ROUTINE,1200\r\n`);
      await new Promise((r) => setTimeout(r, 80));
      expect(recorded, 'picked up while still being written').to.have.length(0);
    }
    await eventually(() => recorded.length === 6 || undefined);
  });

  it('in marker mode takes a file only once its .done marker exists', async () => {
    h.writeChannel('d.yaml', channel('format: csv\ncompletion: marker'));
    await h.start();
    writeFileSync(join(drop, 'm.csv'), csvRows(2));
    await new Promise((r) => setTimeout(r, 400));
    expect(recorded).to.have.length(0);
    writeFileSync(join(drop, 'm.csv.done'), '');
    await eventually(() => recorded.length === 2 || undefined);
    expect(existsSync(join(drop, 'm.csv.done'))).to.equal(false);
  });

  it('stores the good rows of a file with bad ones and writes the error report beside the untouched original', async () => {
    h.writeChannel('d.yaml', channel('format: csv'));
    await h.start();
    const text =
      'nhs_number,priority,service\r\n9912003888,ROUTINE,1200\r\n9912003888,URGENT\r\n9462979626,ROUTINE,1201\r\n';
    writeFileSync(join(drop, 'mixed.csv'), text);
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'mixed.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'mixed.csv'))) ||
        undefined,
    );
    expect(recorded).to.have.length(2);
    expect(readFileSync(join(drop, 'error', 'mixed.csv'), 'utf8')).to.equal(text);
    const report = readFileSync(join(drop, 'error', 'mixed.csv.errors.csv'), 'utf8').split('\r\n');
    expect(report[0]).to.equal('row,column,value,reason');
    expect(report[1]).to.equal(
      '2,,"9912003888,URGENT","FORMAT_CSV_ROW: has 2 fields, the header has 3"',
    );
  });

  it('refuses a file whose header lacks an expected column, storing nothing', async () => {
    h.writeChannel('d.yaml', channel('format: csv\ncsv: { expectedColumns: [nhs_number, ubrn] }'));
    await h.start();
    writeFileSync(join(drop, 'bad-header.csv'), csvRows(2));
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'bad-header.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'bad-header.csv'))) ||
        undefined,
    );
    expect(readFileSync(join(drop, 'error', 'bad-header.csv.errors.csv'), 'utf8')).to.include(
      'header,ubrn,,FORMAT_CSV_HEADER: expected column is missing from the header',
    );
    expect(recorded).to.have.length(0);
  });

  it('reports the same content dropped twice instead of processing it again', async () => {
    h.writeChannel('d.yaml', channel('format: csv'));
    await h.start();
    writeFileSync(join(drop, 'first.csv'), csvRows(2));
    await eventually(() => recorded.length === 2 || undefined);
    writeFileSync(join(drop, 'again.csv'), csvRows(2));
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'again.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'again.csv'))) ||
        undefined,
    );
    expect(readFileSync(join(drop, 'error', 'again.csv.errors.csv'), 'utf8')).to.include(
      'already processed',
    );
    expect(recorded).to.have.length(2);
  });

  it('decodes a Windows-1252 extract', async () => {
    h.writeChannel('d.yaml', channel('format: csv\ncsv: { encoding: windows-1252 }'));
    await h.start();
    writeFileSync(
      join(drop, 'w.csv'),
      iconv.encode('name,priority\r\nZoë Brontë,ROUTINE\r\n', 'windows-1252'),
    );
    await eventually(() => recorded.length === 1 || undefined);
    expect(rowsOf()[0]?.columns['name']).to.equal('Zoë Brontë');
  });

  it('splits an HL7 batch file into its messages', async () => {
    h.writeChannel('d.yaml', channel('format: hl7-batch'));
    await h.start();
    const batch = readdirSync(join(root, 'samples', 'hl7')).find((f) => /batch/i.test(f));
    expect(batch, 'a batch sample in samples/hl7').to.not.equal(undefined);
    writeFileSync(join(drop, 'batch.hl7'), readFileSync(join(root, 'samples', 'hl7', batch!)));
    await eventually(() => (recorded.length >= 2 ? true : undefined));
    expect(recorded.every((r) => r.body.startsWith('MSH|'))).to.equal(true);
  });

  it('takes an XML file as one message and refuses one with a DOCTYPE', async () => {
    h.writeChannel('d.yaml', channel('format: xml'));
    await h.start();
    writeFileSync(join(drop, 'ok.xml'), '<referral><nhsNumber>9912003888</nhsNumber></referral>');
    await eventually(() => recorded.length === 1 || undefined);
    writeFileSync(
      join(drop, 'evil.xml'),
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    );
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'evil.xml.errors.csv')) &&
          existsSync(join(drop, 'error', 'evil.xml'))) ||
        undefined,
    );
    expect(readFileSync(join(drop, 'error', 'evil.xml.errors.csv'), 'utf8')).to.include(
      'FORMAT_XML_FORBIDDEN',
    );
    expect(recorded).to.have.length(1);
  });

  it('refuses a link pointing outside the drop folder', async () => {
    h.writeChannel('d.yaml', channel('format: csv'));
    await h.start();
    writeFileSync(join(h.dir, 'secret.csv'), csvRows(1));
    symlinkSync(join(h.dir, 'secret.csv'), join(drop, 'link.csv'));
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'link.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'link.csv'))) ||
        undefined,
    );
    expect(readFileSync(join(drop, 'error', 'link.csv.errors.csv'), 'utf8')).to.include(
      'outside the drop folder',
    );
    expect(recorded).to.have.length(0);
  });

  it('resumes a file left in processing/ by a crash without storing a row twice', async () => {
    h.writeChannel('d.yaml', channel('format: csv'));
    const text = csvRows(5);
    mkdirSync(join(drop, 'processing'), { recursive: true });
    writeFileSync(join(drop, 'processing', 'half.csv'), text);
    // The crashed run had stored rows 1–3 already.
    const hash = createHash('sha256').update(text).digest('hex');
    const store = new SqliteMessageStore({ file: join(h.dataDir, 'ers-bridge.db') });
    await store.appendMany(
      [1, 2, 3].map((row) => ({
        channel: 'drop',
        sender: `file:drop`,
        controlId: `${hash}:${row}`,
        contentHash: hash,
        contentType: 'application/x-csv-row+json',
        raw: Buffer.from('{}'),
      })),
    );
    await store.close();
    const running = await h.start();
    await eventually(() => readdirSync(join(drop, 'processed')).length === 1 || undefined);
    const all = await running.store.list({ channel: 'drop', limit: 100 });
    expect(all).to.have.length(5);
    expect(new Set(all.map((m) => m.controlId)).size).to.equal(5);
  });
});

describe('sources/file-drop: refusals, options and crash safety', () => {
  let h: Harness;
  let drop: string;
  beforeEach(() => {
    h = createHarness();
    drop = join(h.dataDir, 'drop');
    mkdirSync(drop, { recursive: true });
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('refuses a device file and an oversized file with a report, keeping both', async () => {
    h.writeChannel('d.yaml', channel('format: csv\nmaxFileBytes: 100'));
    await h.start();
    execFileSync('mkfifo', [join(drop, 'pipe.csv')]);
    writeFileSync(join(drop, 'big.csv'), csvRows(20));
    await eventually(
      () =>
        (existsSync(join(drop, 'error', 'big.csv.errors.csv')) &&
          existsSync(join(drop, 'error', 'pipe.csv.errors.csv'))) ||
        undefined,
    );
    expect(readFileSync(join(drop, 'error', 'big.csv.errors.csv'), 'utf8')).to.include(
      'larger than maxFileBytes',
    );
    expect(readFileSync(join(drop, 'error', 'pipe.csv.errors.csv'), 'utf8')).to.include(
      'not a regular file',
    );
    expect(readFileSync(join(drop, 'error', 'big.csv'), 'utf8')).to.equal(csvRows(20));
    expect(recorded).to.have.length(0);
  });

  it('splits an XML file by a configured element', async () => {
    h.writeChannel('d.yaml', channel('format: xml\nxmlSplitElement: referral'));
    await h.start();
    writeFileSync(
      join(drop, 'two.xml'),
      '<referrals><referral><nhs>9912003888</nhs></referral><referral><nhs>9462979626</nhs></referral></referrals>',
    );
    await eventually(() => recorded.length === 2 || undefined);
    expect(recorded.map((r) => r.body).join()).to.include('9462979626');
  });

  it('loses and duplicates no row when the engine is SIGKILLed mid-file and restarted', async function () {
    this.timeout(90_000);
    const rows = 20_000;
    h.writeChannel(
      'd.yaml',
      `id: drop\nsource: { type: file, folder: drop, format: csv, pollIntervalMs: 50, stableMs: 100, batchRows: 200 }\ndestinations:\n  - { name: out, type: file, folder: out, fileName: "{controlId}.json" }\n`,
    );
    writeFileSync(
      join(h.configDir, 'settings.yaml'),
      `dataDir: ${h.dataDir}\nhttp: { port: ${await freePort()} }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\n`,
    );
    const child = await startEngineProcess(h.configDir, {
      ERS_BRIDGE_ADMIN_PASSWORD: 'a-long-test-password',
    });
    writeFileSync(join(drop, 'big.csv'), csvRows(rows));
    const probe = new SqliteMessageStore({ file: join(h.dataDir, 'ers-bridge.db') });
    await eventually(
      async () => ((await probe.countByStatus('drop'))['drop'] ? true : undefined),
      30_000,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const counts = (await probe.countByStatus('drop'))['drop'] ?? {};
    const storedBeforeKill = Object.values(counts).reduce((a, b) => a + b, 0);
    await probe.close();
    expect(storedBeforeKill, 'killed mid-file').to.be.within(1, rows - 1);
    const running = await h.start();
    // The file itself leaves processing/ only once every row has been through the pipeline.
    const stored = async () =>
      Object.values((await running.store.countByStatus('drop'))['drop'] ?? {}).reduce(
        (a, b) => a + b,
        0,
      );
    await eventually(async () => (await stored()) >= rows || undefined, 60_000);
    expect(await stored()).to.equal(rows);
  });
});
