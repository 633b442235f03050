/**
 * One computation of a costly read shared by every open live page: the channel cards count
 * every stored message by status (a full scan: ~280 ms at 200,000 messages in SQLite, see
 * bench/dashboard.bench.ts), and each open channels tab polls every 2 s. A result is reused
 * while it is younger than `minAgeMs` or `costFactor` times what it took, so the cards' share of
 * a core stays below 1 / costFactor however many tabs are open; concurrent asks share one run.
 */
export function sharedRecent<T>(options: {
  compute: () => Promise<T>;
  clock: () => number;
  minAgeMs?: number;
  costFactor?: number;
}): () => Promise<T> {
  const minAge = options.minAgeMs ?? 2000;
  const factor = options.costFactor ?? 5;
  let last: { at: number; value: T; cost: number } | undefined;
  let running: Promise<T> | undefined;
  return () => {
    const now = options.clock();
    if (last && now - last.at < Math.max(minAge, last.cost * factor))
      return Promise.resolve(last.value);
    running ??= (async () => {
      const started = options.clock();
      try {
        const value = await options.compute();
        const at = options.clock();
        last = { at, value, cost: at - started };
        return value;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}
