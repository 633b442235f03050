// The processing thread (settings `workers.processIn: thread`, decision 170): every channel's
// transformer and destinations, on an event loop apart from the sources, admin and sandbox.
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import './plugins.js';
import { openStore } from '../store/index.js';
import { createLogger } from '../core/logger.js';
import { registry, threadOwnMetrics } from '../core/metrics.js';
import type { MessageOutcome } from '../core/plugins.js';
import { serviceProviders, type EngineServices, type ServiceProvider } from '../core/services.js';
import { ProcessingChannels } from '../engine/processing-channels.js';
import type { OutcomeSink } from '../engine/outcomes.js';
import type { FromThread, ProcessingThreadData, ToThread } from './processing-protocol.js';

const port = parentPort;
if (port === null) throw new Error('processing-thread runs only as a worker thread');
const data = workerData as ProcessingThreadData;
const post = (message: FromThread): void => {
  port.postMessage(message);
};

/** Outcomes go back to the engine's waiters, read only for the ids it says it waits for. */
class ForwardedOutcomes implements OutcomeSink {
  readonly watched = new Set<number>();
  isWaitedFor(id: number): boolean {
    return this.watched.has(id);
  }
  settle(outcome: MessageOutcome): void {
    post({ type: 'outcome', outcome });
  }
}

// Written from this thread straight to the engine's stdout, synchronously: a worker's
// process.stdout goes through the main thread's event loop, which is what this thread spares.
const destination = pino.destination({ dest: 1, sync: true }) as unknown as NodeJS.WritableStream;
const { logging } = data.settings;
const logger = createLogger({
  level: logging.level,
  includePatientData: logging.includePatientData,
  format: data.prettyLogs ? 'pretty' : 'json',
  destination,
}).child({ thread: 'processing' });

const outcomes = new ForwardedOutcomes();

/** The engine's own services start here too, except the embedded sandbox, which listens once,
 * on the engine's side: the thread's e-RS client calls the sandbox the engine started. */
const SOURCES_SIDE_ONLY = new Set(['sandbox']);

async function boot(): Promise<{
  channels: ProcessingChannels;
  stop(graceMs: number): Promise<void>;
}> {
  const store = await openStore({
    url: data.settings.store,
    dataDir: data.dataDir,
    create: false,
    sqliteWriterThread: data.settings.sqliteWriterThread,
    ...(data.writerPort === undefined ? {} : { sqliteWriterPort: data.writerPort }),
  });
  const services: EngineServices & { sandbox?: { url: string } } = {
    store,
    settings: data.settings,
    logger,
    clock: Date.now,
    ...(data.sandboxUrl === undefined ? {} : { sandbox: { url: data.sandboxUrl } }),
  };
  const started: ServiceProvider[] = [];
  for (const provider of serviceProviders()) {
    if (SOURCES_SIDE_ONLY.has(provider.name)) continue;
    await provider.start(services);
    started.push(provider);
  }
  const channels = new ProcessingChannels({
    configDir: data.configDir,
    dataDir: data.dataDir,
    store,
    services,
    logger,
    owner: data.owner,
    outcomes,
    clock: Date.now,
  });
  return {
    channels,
    async stop(graceMs) {
      const released = await channels.stop(graceMs);
      for (const p of started.reverse()) await p.stop?.(services);
      await store.close();
      logger.info({ stage: 'engine', released }, 'processing thread stopped');
    },
  };
}

let lastStatus = '';

/** inFlight and lastError per channel, sent when they change (the channel list reads them). */
function reportStatus(channels: ProcessingChannels): void {
  const now = channels.status();
  const text = JSON.stringify(now);
  if (text === lastStatus) return;
  lastStatus = text;
  post({ type: 'status', channels: now });
}

boot().then(
  (running) => {
    const timer = setInterval(() => {
      reportStatus(running.channels);
    }, 200);
    timer.unref();
    port.on('message', (message: ToThread) => {
      void handle(message, running).then(() => {
        reportStatus(running.channels);
      });
    });
    post({ type: 'ready' });
  },
  (error: unknown) => {
    post({ type: 'failed', message: (error as Error).message });
  },
);

async function handle(message: ToThread, running: Awaited<ReturnType<typeof boot>>): Promise<void> {
  switch (message.type) {
    case 'wake':
      for (const channel of message.channels) running.channels.wake(channel);
      return;
    case 'watch':
      outcomes.watched.add(message.id);
      return;
    case 'unwatch':
      outcomes.watched.delete(message.id);
      return;
    case 'run':
      return answer(message.seq, () => running.channels.run(message.definition));
    case 'halt':
      return answer(message.seq, () => running.channels.halt(message.channel, message.graceMs));
    case 'metrics': {
      const metrics = threadOwnMetrics(await registry.getMetricsAsJSON());
      post({ type: 'done', seq: message.seq, metrics });
      return;
    }
    case 'stop':
      await answer(message.seq, () => running.stop(message.graceMs));
      port?.close();
      return;
  }
}

async function answer(seq: number, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
    post({ type: 'done', seq });
  } catch (error) {
    post({ type: 'done', seq, error: (error as Error).message });
  }
}
