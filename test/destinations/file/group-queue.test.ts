import { expect } from 'chai';
import { GroupQueue, groupSize, type Settled } from '../../../src/destinations/file/group-queue.js';

/** A flush the test finishes by hand, recording the groups it was given. */
function controlledFlush() {
  const groups: {
    entries: readonly string[];
    finish: (s?: Settled<string>[]) => void;
    fail: (e: Error) => void;
  }[] = [];
  const flush = (entries: readonly string[]): Promise<readonly Settled<string>[]> =>
    new Promise((resolve, reject) => {
      groups.push({
        entries,
        finish: (s) => {
          resolve(s ?? entries.map((e) => ({ ok: true, value: `wrote ${e}` })));
        },
        fail: reject,
      });
    });
  return { groups, flush };
}

const limits = {
  maxEntries: 100,
  maxBytes: 1_000_000,
  sizeOf: (e: string) => e.length,
  concurrency: 1,
};
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('destinations/file: GroupQueue (sends share a write, as appends share a commit)', () => {
  it('writes the sends made in the same turn as one group', async () => {
    const os = controlledFlush();
    const q = new GroupQueue(os.flush, limits);
    const done = ['a', 'b', 'c'].map((e) => q.add(e));
    await turn();
    expect(os.groups.map((g) => g.entries)).to.deep.equal([['a', 'b', 'c']]);
    os.groups[0]!.finish();
    expect(await Promise.all(done)).to.deep.equal(['wrote a', 'wrote b', 'wrote c']);
  });

  it('gathers the sends made during a write into the next group, started when it ends', async () => {
    const os = controlledFlush();
    const q = new GroupQueue(os.flush, limits);
    const first = q.add('a');
    await turn();
    const later = ['b', 'c', 'd'].map((e) => q.add(e));
    await turn();
    expect(os.groups).to.have.length(1);
    os.groups[0]!.finish();
    await first;
    await turn();
    expect(os.groups.map((g) => g.entries)).to.deep.equal([['a'], ['b', 'c', 'd']]);
    os.groups[1]!.finish();
    expect(await Promise.all(later)).to.have.length(3);
  });

  it('answers each entry with its own result, a failed one alone', async () => {
    const os = controlledFlush();
    const q = new GroupQueue(os.flush, limits);
    const a = q.add('a');
    const b = q.add('b');
    await turn();
    os.groups[0]!.finish([
      { ok: true, value: 'fine' },
      { ok: false, error: new Error('EIO on b') },
    ]);
    expect(await a).to.equal('fine');
    const error = await b.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal('EIO on b');
  });

  it('fails every entry of a group whose write throws, and goes on with the next', async () => {
    const os = controlledFlush();
    const q = new GroupQueue(os.flush, limits);
    const outcomes = ['a', 'b'].map((e) =>
      q.add(e).then(
        () => 'ok',
        (x: unknown) => (x as Error).message,
      ),
    );
    await turn();
    const next = q.add('c');
    os.groups[0]!.fail(new Error('disk gone'));
    expect(await Promise.all(outcomes)).to.deep.equal(['disk gone', 'disk gone']);
    await turn();
    os.groups[1]!.finish();
    expect(await next).to.equal('wrote c');
  });

  it('keeps a group within maxEntries and maxBytes, but never below one entry', () => {
    const small = { ...limits, maxEntries: 2, maxBytes: 5 };
    expect(groupSize(['aa', 'bb', 'cc'], small)).to.equal(2);
    expect(groupSize(['aaa', 'bbb'], small)).to.equal(1);
    expect(groupSize(['a-much-larger-entry', 'b'], small)).to.equal(1);
    expect(groupSize([], small)).to.equal(0);
  });

  it('writes up to `concurrency` groups at once', async () => {
    const os = controlledFlush();
    const q = new GroupQueue(os.flush, { ...limits, maxEntries: 1, concurrency: 2 });
    const all = ['a', 'b', 'c'].map((e) => q.add(e));
    await turn();
    expect(os.groups.map((g) => g.entries)).to.deep.equal([['a'], ['b']]);
    os.groups[0]!.finish();
    await all[0];
    await turn();
    expect(os.groups.map((g) => g.entries)).to.deep.equal([['a'], ['b'], ['c']]);
    os.groups[1]!.finish();
    os.groups[2]!.finish();
    await Promise.all(all);
  });
});
