/**
 * One run of bench/ers-call-cost.bench.ts, in a process of its own: the e-RS client of the checkout
 * named by argv[2] calling the sandbox of that checkout with A021, CONCURRENCY calls in flight, as
 * the engine's e-RS destination calls it (inputs checked once beforehand, audit rows handed to a
 * sink). argv[5] `embedded`: the sandbox in this process (as the engine's embedded one); `apart`:
 * in a child process (forked with argv[5] `serve`), so the client's CPU and the sandbox's are
 * counted apart. Prints one JSON line: calls, wall seconds, CPU µs per call (user + system) of
 * this process and of the sandbox's, GC ms of this process's main thread.
 */
import { fork } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [repo = '', callsArg = '3000', concurrencyArg = '8', mode = 'embedded'] =
  process.argv.slice(2);
const CALLS = Number(callsArg);
const CONCURRENCY = Number(concurrencyArg);
const from = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(repo, path)).href)) as T;

interface Client {
  execute(id: string, input: unknown, options: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}
const { ErsClient } = await from<{ ErsClient: new (o: unknown) => Client }>('src/ers/client.ts');
const { platformAuth } = await from<{ platformAuth: (s: unknown) => unknown }>('src/ers/auth.ts');
const { operationInputSchema } = await from<{
  operationInputSchema: (id: string) => { parse(v: unknown): unknown } | undefined;
}>('src/ers/operations/index.ts');
const { startSandbox } = await from<{
  startSandbox: (o: unknown) => Promise<{ url: string; close(): Promise<void> }>;
}>('src/sandbox/index.ts');

const startLocal = () => startSandbox({ port: 0, faults: { quotaPerMinute: 1_000_000_000 } });

if (mode === 'serve') {
  // The sandbox apart: its URL to the parent, then its CPU time when asked.
  const sandbox = await startLocal();
  const cpu = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'reset') Object.assign(cpu, process.cpuUsage());
    if (m === 'stop')
      process.send?.({ cpu: process.cpuUsage(cpu) }, () => {
        void sandbox.close().then(() => process.exit(0));
      });
  });
  process.send?.({ url: sandbox.url });
  await new Promise(() => undefined);
}

const child =
  mode === 'apart'
    ? fork(fileURLToPath(import.meta.url), [repo, '0', '0', 'serve'], {
        execArgv: ['--import', 'tsx'],
      })
    : undefined;
const fromChild = <T>(): Promise<T> =>
  new Promise((resolve) => {
    child?.once('message', (m) => {
      resolve(m as T);
    });
  });
const sandbox =
  child === undefined
    ? await startLocal()
    : { url: (await fromChild<{ url: string }>()).url, close: () => Promise.resolve() };
const client = new ErsClient({
  stu3Base: `${sandbox.url}/FHIR/STU3`,
  auth: platformAuth({
    mode: 'platform',
    accessToken: 'bench',
    businessFunction: 'REFERRING_CLINICIAN',
    odsCode: 'R69',
  }),
  requestsPerMinute: 100_000_000,
  timeoutMs: 30_000,
});
// What the bench's REF^I12 maps to (mappings/ref-i12-a021.yaml, samples/hl7/ref-i12.hl7).
const input = operationInputSchema('A021')?.parse({
  nhsNumber: '9912003888',
  priority: 'ROUTINE',
  serviceIds: ['11004'],
  specialty: 'CARDIOLOGY',
  clinicType: 'CLINIC-TYPE-2',
  letterIntention: 'NEED_TO_ADD_LATER',
  ageAndGenderAppropriate: false,
});
const audit: unknown[] = [];
const sink = (row: unknown): void => {
  audit.push(row);
  if (audit.length > 1000) audit.length = 0;
};

async function drive(calls: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next++ < calls) await client.execute('A021', input, { validated: true, auditTo: sink });
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

await drive(Math.min(1000, CALLS)); // warm-up: JIT, connections
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
});
gc.observe({ entryTypes: ['gc'] });
child?.send('reset');
const cpu = process.cpuUsage();
const started = performance.now();
await drive(CALLS);
const wall = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
gc.disconnect();
let sandboxUs = NaN;
if (child !== undefined) {
  const answer = fromChild<{ cpu: NodeJS.CpuUsage }>();
  child.send('stop');
  const { cpu: c } = await answer;
  sandboxUs = (c.user + c.system) / CALLS;
}
await client.close();
await sandbox.close();
console.log(
  JSON.stringify({
    calls: CALLS,
    wall,
    cpuUsPerCall: (used.user + used.system) / CALLS,
    sandboxCpuUsPerCall: sandboxUs,
    gcMs,
  }),
);
