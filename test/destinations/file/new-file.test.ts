import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternativeName, writeNewFile } from '../../../src/destinations/file/new-file.js';

describe('destinations/file: a new batch file (real files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-write-together-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the folder, and leaves the new file and no temp file in it', async () => {
    const used = await writeNewFile(join(dir, 'out', 'b.hl7'), Buffer.from('batch'));
    expect(used).to.equal(join(dir, 'out', 'b.hl7'));
    expect(readdirSync(join(dir, 'out'))).to.deep.equal(['b.hl7']);
    expect(readFileSync(used, 'utf8')).to.equal('batch');
  });

  it('never writes a new file over an existing one: it takes the next free name', async () => {
    writeFileSync(join(dir, 'batch.hl7'), 'first');
    writeFileSync(join(dir, 'batch-1.hl7'), 'second');
    const used = await writeNewFile(join(dir, 'batch.hl7'), Buffer.from('third'));
    expect(used).to.equal(join(dir, 'batch-2.hl7'));
    expect(readFileSync(join(dir, 'batch.hl7'), 'utf8')).to.equal('first');
    expect(readFileSync(join(dir, 'batch-1.hl7'), 'utf8')).to.equal('second');
    expect(readFileSync(used, 'utf8')).to.equal('third');
    expect(readdirSync(dir).sort()).to.deep.equal(['batch-1.hl7', 'batch-2.hl7', 'batch.hl7']);
  });

  it('names alternatives before the extension', () => {
    expect(alternativeName('/x/a.hl7', 0)).to.equal('/x/a.hl7');
    expect(alternativeName('/x/a.hl7', 3)).to.equal('/x/a-3.hl7');
    expect(alternativeName('/x/noext', 1)).to.equal('/x/noext-1');
  });
});
