import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically, writeFileAtomicallySync } from '../../src/core/atomic-write.js';

describe('core: writeFileAtomically (the one atomic write)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-atomic-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the file and leaves no temp file beside it', async () => {
    await writeFileAtomically(join(dir, 'a.csv'), 'x,y\n');
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).to.equal('x,y\n');
    expect(readdirSync(dir)).to.deep.equal(['a.csv']);
  });

  it('keeps two writes of one name at once apart: the file is one of them, whole, and no temp is left', async () => {
    const target = join(dir, 'same.hl7');
    const bodies = Array.from({ length: 20 }, (_, i) => String(i).repeat(50_000 + i * 1000));
    const results = await Promise.allSettled(bodies.map((b) => writeFileAtomically(target, b)));
    expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
    expect(bodies).to.include(readFileSync(target, 'utf8'));
    expect(readdirSync(dir)).to.deep.equal(['same.hl7']);
  });

  it('replaces an existing file whole', async () => {
    writeFileSync(join(dir, 'a.pdf'), 'old and longer content');
    await writeFileAtomically(join(dir, 'a.pdf'), Buffer.from('new'));
    expect(readFileSync(join(dir, 'a.pdf'), 'utf8')).to.equal('new');
  });

  it('creates the file with the mode asked for', async function () {
    if (process.platform === 'win32') this.skip();
    await writeFileAtomically(join(dir, 'secret.json'), '{}', { mode: 0o600 });
    expect(statSync(join(dir, 'secret.json')).mode & 0o777).to.equal(0o600);
  });

  it('throws the file-system error and leaves nothing when the folder is missing', async () => {
    const error = await writeFileAtomically(join(dir, 'missing', 'a.txt'), 'x').then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).to.equal('ENOENT');
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('removes its temp file when the rename fails (target is a folder)', async () => {
    const target = join(dir, 'taken');
    await import('node:fs/promises').then((fs) =>
      fs.mkdir(join(target, 'inside'), { recursive: true }),
    );
    const error = await writeFileAtomically(target, 'x').then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error).to.be.instanceOf(Error);
    expect(readdirSync(dir)).to.deep.equal(['taken']);
  });
});

describe('core: writeFileAtomicallySync', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-atomic-sync-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes owner-only and leaves no temp file', function () {
    if (process.platform === 'win32') this.skip();
    writeFileAtomicallySync(join(dir, 'users.json'), '{"users":[]}\n', { mode: 0o600 });
    expect(readFileSync(join(dir, 'users.json'), 'utf8')).to.equal('{"users":[]}\n');
    expect(statSync(join(dir, 'users.json')).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir)).to.deep.equal(['users.json']);
  });

  it('throws and leaves nothing when the folder is missing', () => {
    expect(() => {
      writeFileAtomicallySync(join(dir, 'missing', 'a'), 'x');
    }).to.throw(/ENOENT/);
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
