import { expect } from 'chai';
import { join } from 'node:path';
import { inspectFile } from '../../../src/cli/commands/hl7.js';
import { formatHl7Tree, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { sample, samplesDir } from './samples.js';

describe('hl7 inspect', () => {
  it('prints fields with their paths and names, and decoded components', () => {
    const tree = formatHl7Tree(parseHl7(sample('ref-i12.hl7')));
    expect(tree).to.match(/^REF\^I12 PAS0000123/);
    expect(tree).to.match(/PID-3 +Patient Identifier List +9912003888/);
    expect(tree).to.include('PID-3[2].1  RXX0012345');
    expect(tree).to.include('PID-11.2  Flat 2^Rear');
    expect(tree).to.include('PRD[2]-2');
  });

  it('marks HL7 null', () => {
    expect(formatHl7Tree(parseHl7(sample('adt-a08.hl7')))).to.include('"" (null: delete)');
  });

  it('prints every message of a batch file', async () => {
    const { text, ok } = await inspectFile(join(samplesDir, 'batch.hl7'));
    expect(ok).to.equal(true);
    expect(text.match(/^--- message/gm)).to.have.length(3);
  });
});
