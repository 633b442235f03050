import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderSyncs } from '../../src/core/folder-sync.js';

/** An fsync the test finishes by hand, recording when each began (the OS call, not our code). */
function controlledFsync() {
  const calls: { folder: string; finish: (error?: Error) => void }[] = [];
  const fsync = (folder: string): Promise<void> =>
    new Promise((resolve, reject) => {
      calls.push({
        folder,
        finish: (error) => {
          if (error) reject(error);
          else resolve();
        },
      });
    });
  return { calls, fsync };
}

const settled = (p: Promise<void>) => {
  const state = { done: false, error: undefined as unknown };
  p.then(
    () => (state.done = true),
    (e: unknown) => {
      state.done = true;
      state.error = e;
    },
  );
  return state;
};
const ticks = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('core: FolderSyncs (renames into one folder share its fsyncs)', () => {
  it('starts an fsync at once when none runs', async () => {
    const os = controlledFsync();
    const syncs = new FolderSyncs(os.fsync);
    const first = settled(syncs.sync('/out'));
    expect(os.calls).to.have.length(1);
    os.calls[0]!.finish();
    await ticks();
    expect(first.done).to.equal(true);
  });

  it('makes callers that came during an fsync wait for one fsync that starts after it', async () => {
    const os = controlledFsync();
    const syncs = new FolderSyncs(os.fsync);
    const early = settled(syncs.sync('/out'));
    // These renames finished after the running fsync began: it may not cover them.
    const late = Array.from({ length: 15 }, () => settled(syncs.sync('/out')));
    expect(os.calls).to.have.length(1);
    os.calls[0]!.finish();
    await ticks();
    expect(early.done).to.equal(true);
    expect(late.every((s) => !s.done)).to.equal(true);
    expect(os.calls).to.have.length(2);
    os.calls[1]!.finish();
    await ticks();
    expect(late.every((s) => s.done && s.error === undefined)).to.equal(true);
    expect(os.calls).to.have.length(2);
  });

  it('keeps folders apart', () => {
    const os = controlledFsync();
    const syncs = new FolderSyncs(os.fsync);
    void syncs.sync('/a');
    void syncs.sync('/b');
    expect(os.calls.map((c) => c.folder)).to.deep.equal(['/a', '/b']);
  });

  it('reports a failed fsync to its own callers only', async () => {
    const os = controlledFsync();
    const syncs = new FolderSyncs(os.fsync);
    const early = settled(syncs.sync('/out'));
    const late = settled(syncs.sync('/out'));
    os.calls[0]!.finish(new Error('EIO'));
    await ticks();
    expect((early.error as Error).message).to.equal('EIO');
    expect(late.done).to.equal(false);
    os.calls[1]!.finish();
    await ticks();
    expect(late).to.deep.equal({ done: true, error: undefined });
  });

  it('fsyncs a real folder (the default) without leaving anything in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ers-folder-sync-'));
    try {
      await Promise.all([new FolderSyncs().sync(dir), new FolderSyncs().sync(dir)]);
      expect(readdirSync(dir)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
