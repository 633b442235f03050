/**
 * Client-side quota shared by every channel of one application: e-RS allows 600 requests/min
 * (spike arrest above 720). Calls are spaced evenly, so a backlog drains steadily instead of in
 * bursts that trip the spike arrest. `reserve` is pure; `QuotaLimiter` holds the clock.
 */
export function reserve(
  nextFree: number,
  now: number,
  intervalMs: number,
): { at: number; nextFree: number } {
  const at = Math.max(now, nextFree);
  return { at, nextFree: at + intervalMs };
}

export class QuotaLimiter {
  private nextFree = 0;
  private readonly intervalMs: number;

  constructor(
    requestsPerMinute: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.intervalMs = 60_000 / requestsPerMinute;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const slot = reserve(this.nextFree, this.clock(), this.intervalMs);
    this.nextFree = slot.nextFree;
    const wait = slot.at - this.clock();
    // Timers have a 1 ms resolution: a shorter wait (a quota far above the call rate, as the
    // bench's unlimited one) would cost a timer turn per call and wait a whole millisecond
    // (decision 200). The slot is reserved either way, so calls stay spaced on average.
    if (wait < 1) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Error('aborted while waiting for the e-RS quota'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
