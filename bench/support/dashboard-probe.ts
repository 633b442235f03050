/**
 * Asks the engine's dashboard for page 1 of the messages, as an operator's browser would while
 * the engine ingests: GET /api/messages (JSON) and GET /messages (the HTML page) in turn, one
 * request at a time with a pause between, from the bench's main thread (the load generator runs
 * on a worker thread). Issue 20: page 1 answers in < 200 ms under load.
 */
export interface DashboardTimes {
  /** Milliseconds per request, in order. */
  readonly api: readonly number[];
  readonly html: readonly number[];
  /** Requests that did not answer 200 (counted, never timed). */
  readonly failures: number;
}

export interface DashboardProbe {
  stop(): Promise<DashboardTimes>;
}

async function timed(url: string, token: string): Promise<number | undefined> {
  const started = performance.now();
  const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await answer.arrayBuffer();
  return answer.status === 200 ? performance.now() - started : undefined;
}

export function probeDashboard(options: {
  readonly adminUrl: string;
  readonly token: string;
  readonly pauseMs: number;
}): DashboardProbe {
  const api: number[] = [];
  const html: number[] = [];
  let failures = 0;
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      for (const [path, into] of [
        ['/api/messages?limit=50', api],
        ['/messages', html],
      ] as const) {
        const ms = await timed(`${options.adminUrl}${path}`, options.token).catch(() => undefined);
        if (ms === undefined) failures++;
        else into.push(ms);
      }
      await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      return { api, html, failures };
    },
  };
}
