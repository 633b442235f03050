import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTarget, sendFiles } from '../../../src/cli/commands/send.js';
import { samplesDir } from '../../formats/hl7v2/samples.js';
import { CHANNEL, startSource, type RunningSource } from '../../sources/mllp/support.js';

describe('ers-bridge send', () => {
  let src: RunningSource;
  let dir: string;
  beforeEach(async () => {
    src = await startSource();
    dir = mkdtempSync(join(tmpdir(), 'ers-send-'));
  });
  afterEach(async () => {
    await src.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (files: string[]) => {
    const lines: string[] = [];
    const failed = await sendFiles({
      to: `127.0.0.1:${src.port}`,
      files,
      ackTimeoutMs: 10_000,
      print: (l) => lines.push(l),
    });
    return { failed, lines };
  };

  it('sends every message of a batch file and prints each ACK', async () => {
    const { failed, lines } = await send([join(samplesDir, 'batch.hl7')]);
    expect(failed).to.equal(0);
    expect(lines).to.deep.equal([
      `${join(samplesDir, 'batch.hl7')}#1  CA  PAS0000141`,
      `${join(samplesDir, 'batch.hl7')}#2  CA  PAS0000142`,
      `${join(samplesDir, 'batch.hl7')}#3  CA  PAS0000143`,
    ]);
    expect(await src.store.list({ channel: CHANNEL })).to.have.length(3);
  });

  it('sends single-message files, including LF-separated ones', async () => {
    const { failed, lines } = await send(
      ['ref-i12.hl7', 'adt-a08.hl7'].map((f) => join(samplesDir, f)),
    );
    expect(failed).to.equal(0);
    expect(lines.map((l) => l.split('  ').slice(1).join('  '))).to.deep.equal([
      'CA  PAS0000123',
      'AA  PAS0000128',
    ]);
  });

  it('counts a NAK as a failure and prints its error text', async () => {
    const file = join(dir, 'bad.hl7');
    writeFileSync(file, 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08||P|2.4\rPID|1\r');
    const { failed, lines } = await send([file]);
    expect(failed).to.equal(1);
    expect(lines[0]).to.match(/ {2}AE {2}.*ERR: MSH-10 is empty$/);
  });

  it('reports a listener that is not there', async () => {
    const port = src.port;
    await src.source.stop();
    const lines: string[] = [];
    const failed = await sendFiles({
      to: `127.0.0.1:${port}`,
      files: [join(samplesDir, 'ref-i12.hl7')],
      ackTimeoutMs: 1000,
      print: (l) => lines.push(l),
    });
    expect(failed).to.equal(1);
    expect(lines[0]).to.include('DEST_UNAVAILABLE');
  });

  it('refuses a target without a port', () => {
    expect(() => parseTarget('localhost')).to.throw(/host:port/);
    expect(parseTarget('[::1]:2575')).to.deep.equal({ host: '::1', port: 2575 });
  });
});
