import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alternativeName,
  writeFilesTogether,
  writeNewFile,
} from '../../../src/destinations/file/write-together.js';

describe('destinations/file: writing files together (real files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-write-together-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every file of a group under its name and leaves no temp file', async () => {
    const files = Array.from({ length: 20 }, (_, i) => ({
      path: join(dir, 'out', `m${i}.hl7`),
      bytes: Buffer.from(`message ${i}`),
    }));
    const settled = await writeFilesTogether(files);
    expect(settled.every((s) => s.ok)).to.equal(true);
    expect(readdirSync(join(dir, 'out')).sort()).to.deep.equal(
      files.map((_f, i) => `m${i}.hl7`).sort(),
    );
    expect(readFileSync(join(dir, 'out', 'm7.hl7'), 'utf8')).to.equal('message 7');
  });

  it('fails one file alone when its folder cannot be made', async () => {
    writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
    const settled = await writeFilesTogether([
      { path: join(dir, 'ok', 'a.txt'), bytes: Buffer.from('a') },
      { path: join(dir, 'blocker', 'b.txt'), bytes: Buffer.from('b') },
    ]);
    expect(settled[0]).to.deep.equal({ ok: true, value: join(dir, 'ok', 'a.txt') });
    expect(settled[1]?.ok).to.equal(false);
    expect(readdirSync(join(dir, 'ok'))).to.deep.equal(['a.txt']);
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
