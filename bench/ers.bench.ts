/**
 * Drains a backlog of create-referral (A021) calls against the sandbox with its quota set, through
 * the client's limiter: achieved rate vs the quota, and how many 429s came back (target: ≥ 98% of
 * quota, zero 429s). BENCH_ERS_CALLS / BENCH_ERS_QUOTA shorten or lengthen the run.
 */
import { ErsError } from '../src/ers/ers-error.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { Benchmark } from './run.js';
import { benchErsClient } from './support/ers-client.js';

const CALLS = Number(process.env['BENCH_ERS_CALLS'] ?? 6000);
const QUOTA = Number(process.env['BENCH_ERS_QUOTA'] ?? 6000);

const benchmark: Benchmark = {
  name: `e-RS client: drain ${CALLS} A021 calls at a quota of ${QUOTA}/min`,
  async run() {
    const sandbox = await startSandbox({ port: 0 });
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quotaPerMinute: QUOTA }),
    });
    const client = benchErsClient(sandbox.url, { requestsPerMinute: QUOTA });
    let throttled = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async (n: number): Promise<void> => {
      for (let i = n; i < CALLS; i += 16) {
        try {
          await client.execute('A021', {
            nhsNumber: '9912003888',
            priority: 'ROUTINE',
            serviceIds: ['12000'],
          });
        } catch (error) {
          if (error instanceof ErsError && error.code === 'ERS_THROTTLED') throttled++;
          else failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, n) => worker(n)));
    const seconds = (performance.now() - started) / 1000;
    const perMinute = (CALLS / seconds) * 60;
    console.log(
      `calls ${CALLS} in ${seconds.toFixed(1)} s = ${perMinute.toFixed(0)}/min = ${((perMinute / QUOTA) * 100).toFixed(1)}% of quota; 429s: ${throttled}; other failures: ${failed}`,
    );
    await sandbox.close();
  },
};
export default benchmark;
