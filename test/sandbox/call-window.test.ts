import { expect } from 'chai';
import { CallWindow } from '../../src/sandbox/faults.js';

/** The sandbox quota's count as it was first written: filter the last minute, add this call. */
function reference(): (now: number) => number {
  let recent: number[] = [];
  return (now) => {
    recent = recent.filter((t) => t > now - 60_000);
    recent.push(now);
    return recent.length;
  };
}

describe('sandbox: the per-caller quota window', () => {
  it('counts the calls of the last minute, this one included, with the boundary excluded', () => {
    const w = new CallWindow(60_000);
    expect(w.record(0)).to.equal(1);
    expect(w.record(59_999)).to.equal(2);
    // The call at 0 is exactly a minute old: out of the window.
    expect(w.record(60_000)).to.equal(2);
    expect(w.record(60_001)).to.equal(3);
    // 59_999 is a minute old at 119_999: 60_000, 60_001 and this one remain.
    expect(w.record(119_999)).to.equal(3);
    expect(w.record(200_000)).to.equal(1);
  });

  it('gives the same counts as filtering the whole list, across many calls and compactions', () => {
    const w = new CallWindow(60_000);
    const r = reference();
    let now = 1_000_000;
    // Bursts and gaps, with many calls in the same millisecond, so the head is dropped often.
    for (let i = 0; i < 20_000; i++) {
      now += i % 997 === 0 ? 45_000 : i % 3 === 0 ? 7 : 0;
      expect(w.record(now), `call ${i} at ${now}`).to.equal(r(now));
    }
  });
});
