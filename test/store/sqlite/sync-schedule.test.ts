/**
 * The writer thread's rule for answering (decision 210): a reply goes out only once a sync that
 * started after every commit before it has finished.
 */
import { expect } from 'chai';
import { SyncSchedule } from '../../../src/store/sqlite/sync-schedule.js';

describe('SyncSchedule: replies released only after a covering WAL sync', () => {
  it('sends a reply at once when nothing was committed', () => {
    const s = new SyncSchedule<string>(3);
    expect(s.reply('read')).to.deep.equal(['read']);
    expect(s.wantsSync()).to.equal(false);
  });

  it('holds a reply through a sync that started before its commit', () => {
    const s = new SyncSchedule<string>(3);
    s.commit();
    const first = s.started();
    s.commit();
    expect(s.reply('second')).to.deep.equal([]);
    // The first sync may have missed the second commit's frames.
    expect(s.finished(first)).to.deep.equal([]);
    expect(s.wantsSync()).to.equal(true);
    const second = s.started();
    expect(s.finished(second)).to.deep.equal(['second']);
    expect(s.idle()).to.equal(true);
  });

  it('releases everything covered when a later sync finishes first, in order', () => {
    const s = new SyncSchedule<string>(3);
    s.commit();
    expect(s.reply('a')).to.deep.equal([]);
    const one = s.started();
    s.commit();
    expect(s.reply('b')).to.deep.equal([]);
    const two = s.started();
    expect(s.finished(two)).to.deep.equal(['a', 'b']);
    expect(s.finished(one)).to.deep.equal([]);
  });

  it('holds a read-only reply behind the commits before it (a barrier)', () => {
    const s = new SyncSchedule<string>(3);
    s.commit();
    expect(s.reply('append')).to.deep.equal([]);
    expect(s.reply('barrier')).to.deep.equal([]);
    expect(s.finished(s.started())).to.deep.equal(['append', 'barrier']);
  });

  it('starts no more syncs than allowed, and none that would cover nothing new', () => {
    const s = new SyncSchedule<string>(2);
    s.commit();
    s.started();
    expect(s.wantsSync()).to.equal(false);
    s.commit();
    expect(s.wantsSync()).to.equal(true);
    s.started();
    s.commit();
    expect(s.wantsSync()).to.equal(false);
  });

  it('fails every held reply when a sync fails', () => {
    const s = new SyncSchedule<string>(3);
    s.commit();
    s.reply('a');
    s.started();
    expect(s.failAll()).to.deep.equal(['a']);
  });

  it('never releases early over random interleavings, and releases everything in the end', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const s = new SyncSchedule<number>(1 + (round % 3));
      // The model: commits so far, each reply's need, and each sync's start point.
      let commits = 0;
      let durable = 0;
      const need = new Map<number, number>();
      const running: number[] = [];
      const released: number[] = [];
      const release = (out: number[]): void => {
        for (const r of out) {
          expect(need.get(r), `reply ${r} released early`).to.be.at.most(durable);
          released.push(r);
        }
      };
      let replies = 0;
      for (let step = 0; step < 60; step++) {
        const x = random();
        if (x < 0.35) {
          s.commit();
          commits++;
        } else if (x < 0.65) {
          need.set(replies, commits);
          release(s.reply(replies++));
        } else if (x < 0.8 && s.wantsSync()) {
          expect(s.started()).to.equal(commits);
          running.push(commits);
        } else if (running.length > 0) {
          const [covers] = running.splice(Math.floor(random() * running.length), 1);
          durable = Math.max(durable, covers as number);
          release(s.finished(covers as number));
        }
      }
      while (running.length > 0 || s.wantsSync()) {
        if (s.wantsSync()) running.push(s.started());
        const covers = running.shift() as number;
        durable = Math.max(durable, covers);
        release(s.finished(covers));
      }
      expect(released).to.deep.equal([...Array(replies).keys()]);
      expect(s.idle()).to.equal(true);
    }
  });
});
