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
});
