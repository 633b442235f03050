import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { QuotaLimiter } from '../../src/ers/quota.js';

describe('ers: the client-side quota limiter', () => {
  it('lets a call through without a timer when its slot is less than a millisecond away', async () => {
    // 100,000,000 a minute: slots 0.0006 ms apart, all within the same millisecond of the clock.
    const quota = new QuotaLimiter(100_000_000, () => 1_000);
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    for (let i = 0; i < 50; i++) await quota.acquire();
    // A timer (≥ 1 ms) for any of them would have let the event loop turn first.
    expect(turned).to.equal(false);
  });

  it('still waits for a slot a whole interval away, and leaves no listener on the signal', async () => {
    let now = 5_000;
    const quota = new QuotaLimiter(60_000, () => now); // one call a millisecond
    const signal = new AbortController().signal;
    await quota.acquire(signal);
    let done = false;
    const second = quota.acquire(signal).then(() => {
      done = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(done, 'the second call waits for its slot').to.equal(false);
    now += 1;
    await second;
    expect(getEventListeners(signal, 'abort')).to.have.length(0);
  });

  it('rejects a wait when the signal aborts', async () => {
    const quota = new QuotaLimiter(1, () => 0); // one call a minute
    const controller = new AbortController();
    await quota.acquire(controller.signal);
    const waiting = quota.acquire(controller.signal);
    controller.abort();
    const error = await waiting.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/aborted while waiting/);
  });

  it('rejects at once a wait whose signal was aborted before the wait began', async () => {
    const quota = new QuotaLimiter(1, () => 0); // one call a minute
    await quota.acquire();
    const controller = new AbortController();
    controller.abort();
    const outcome = await Promise.race([
      quota.acquire(controller.signal).then(
        () => 'went out',
        (e: unknown) => (e as Error).message,
      ),
      // Not a speed check: the answer is due before any timer; the old code waited a minute.
      new Promise<string>((resolve) => {
        setTimeout(() => {
          resolve('still waiting');
        }, 200);
      }),
    ]);
    expect(outcome).to.match(/aborted while waiting/);
  });

  /**
   * Whether a call goes out without waiting, told without a race against the timer: the signal
   * aborts at once, so a call that waits rejects and one that went out has resolved already.
   */
  async function goesOutAtOnce(start: (signal: AbortSignal) => Promise<unknown>): Promise<boolean> {
    const abort = new AbortController();
    const call = start(abort.signal);
    abort.abort();
    return call.then(
      () => true,
      () => false,
    );
  }

  it('lets a call out with the slot reserved for it, taking no second slot (decision 180)', async () => {
    let now = 5_000;
    const quota = new QuotaLimiter(60_000, () => now); // one call a millisecond
    const slot = await quota.reserve();
    expect(await goesOutAtOnce((signal) => quota.acquire(signal, slot))).to.equal(true);
    now = 5_001;
    // The next slot is 5,001, not 5,002: the reserved slot was not counted twice.
    expect(await goesOutAtOnce((signal) => quota.reserve(signal))).to.equal(true);
  });

  it('keeps a slot used late an interval after the call before it', async () => {
    let now = 5_000;
    const quota = new QuotaLimiter(60_000, () => now);
    const early = await quota.reserve();
    now = 5_001;
    const late = await quota.reserve();
    expect(await goesOutAtOnce((signal) => quota.acquire(signal, late))).to.equal(true);
    // `early` is used after `late` went out at 5,001: it waits for 5,002, not out at once.
    expect(await goesOutAtOnce((signal) => quota.acquire(signal, early))).to.equal(false);
    // A used slot is not used again: the call after it waits for a slot of its own.
    expect(early.used).to.equal(true);
  });
});
