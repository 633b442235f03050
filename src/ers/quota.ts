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
    if (wait <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, wait);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new Error('aborted while waiting for the e-RS quota'));
        },
        { once: true },
      );
    });
  }
}
