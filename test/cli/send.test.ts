import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ackLine } from '../../src/cli/commands/send.js';
import { buildAck, parseHl7, recoverAckTarget } from '../../src/formats/hl7v2/index.js';
import { samplesDir } from '../formats/hl7v2/samples.js';
import { startSource, type RunningSource } from '../sources/mllp/support.js';
import { runCli } from './support.js';

describe('cli: ers-bridge send (ACK lines)', () => {
  let src: RunningSource;
  let dir: string;
  beforeEach(async () => {
    src = await startSource();
    dir = mkdtempSync(join(tmpdir(), 'ers-cli-send-'));
  });
  afterEach(async () => {
    await src.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints MSA-1, the control id and the ERR text per ACK, one line each', async () => {
    const bad = join(dir, 'bad.hl7');
    writeFileSync(bad, 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08||P|2.4\rPID|1\r');
    const good = join(samplesDir, 'ref-i12.hl7');
    const { code, stdout } = await runCli(['send', '--to', `127.0.0.1:${src.port}`, good, bad]);
    expect(code).to.equal(1); // one NAK
    const lines = stdout.trimEnd().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.equal(`${good}#1  CA  PAS0000123`);
    expect(lines[1]).to.match(new RegExp(`^${bad}#1 {2}AE {2}.*ERR: MSH-10 is empty$`));
  });

  it('-v adds the whole ACK, one segment a line, under each line', async () => {
    const good = join(samplesDir, 'ref-i12.hl7');
    const { code, stdout } = await runCli(['send', '-v', '--to', `127.0.0.1:${src.port}`, good]);
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal(`${good}#1  CA  PAS0000123`);
    expect(lines[1]).to.match(/^ {4}MSH\|\^~\\&\|/);
    expect(lines[2]).to.match(/^ {4}MSA\|CA\|PAS0000123/);
  });

  it('shows MSA-3 (e.g. the UBRN of an application ACK) after the control id', () => {
    const target = recoverAckTarget(
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261206||REF^I12|PAS0000124|P|2.4\rPID|1\r',
    );
    if (target === undefined) throw new Error('no MSH');
    const ack = buildAck(target, {
      code: 'AA',
      controlId: 'ACK1',
      now: Date.now(),
      text: 'UBRN 000000070000',
    });
    expect(ackLine('f.hl7#1', parseHl7(ack))).to.equal(
      'f.hl7#1  AA  PAS0000124  UBRN 000000070000',
    );
  });
});
