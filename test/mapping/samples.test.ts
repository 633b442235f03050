import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseHl7, splitHl7Batch } from '../../src/formats/hl7v2/index.js';
import { compileMappingFile, evaluateParsed, parseInput } from '../../src/mapping/index.js';

const REPO = process.cwd();
const SAMPLES = join(REPO, 'samples');

/** Every HL7 file shipped under samples/ (samples/hl7, samples/<mapping>/input.hl7, batches). */
function hl7Files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hl7Files(path);
    return name.endsWith('.hl7') ? [path] : [];
  });
}

describe('shipped HL7 samples', () => {
  it('give every message its own control id (MSH-10), batches and mapping samples included', () => {
    const seen = new Map<string, string[]>();
    for (const file of hl7Files(SAMPLES)) {
      for (const m of splitHl7Batch(readFileSync(file)).messages) {
        const id = parseHl7(m.raw).controlId;
        const where = `${relative(REPO, file)}#${m.index}`;
        seen.set(id, [...(seen.get(id) ?? []), where]);
      }
    }
    const shared = [...seen].filter(([, where]) => where.length > 1);
    expect(seen.size).to.be.greaterThan(20);
    expect(Object.fromEntries(shared)).to.deep.equal({});
  });

  it('carry the MDM^T02 document number in TXA-12, where the shipped mapping reads it', async () => {
    const m = compileMappingFile(join(REPO, 'mappings', 'mdm-t02-a020.yaml'));
    const raw = readFileSync(join(SAMPLES, 'hl7', 'mdm-t02.hl7'));
    const run = await evaluateParsed(m, await parseInput('hl7v2', raw, 'application/hl7-v2'));
    expect(run.kind).to.equal('mapped');
    if (run.kind !== 'mapped') return;
    expect(run.input['fileName']).to.equal('DOC-000321.pdf');
  });
});
