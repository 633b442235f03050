import type { Logger } from 'pino';
import type { ChannelDefinition } from '../config/index.js';
import { addMetricsSource, type MetricsSnapshot } from '../core/metrics.js';
import type { OutcomeSink } from '../engine/outcomes.js';
import type { ProcessingHost, RemoteChannelStatus } from '../engine/processing-host.js';
import { startModuleThread } from '../core/thread-boot.js';
import type { FromThread, ProcessingThreadData, ToThread } from './processing-protocol.js';

export interface ThreadHostOptions extends Omit<ProcessingThreadData, 'writerPort'> {
  readonly logger: Logger;
  /** The sources' outcome waits, settled as the thread reports outcomes. */
  readonly outcomes: OutcomeSink;
  /** A new port to the engine's SQLite writer thread for each thread started (undefined:
   * PostgreSQL, or SQLite writing inline: the thread opens its own). */
  readonly writerPort: () => ProcessingThreadData['writerPort'];
}

const IDLE: RemoteChannelStatus = { inFlight: 0, lastError: null };

/**
 * Starts the processing thread and resolves once its services and store are open. Wakes are
 * coalesced: every append wakes its channel, and one message per turn carries them all.
 */
export async function startProcessingThread(options: ThreadHostOptions): Promise<ProcessingHost> {
  const { logger, writerPort, outcomes, ...rest } = options;
  const port = writerPort();
  const worker = startModuleThread(import.meta.url, 'processing-thread', {
    workerData: { ...rest, writerPort: port } satisfies ProcessingThreadData,
    ...(port === undefined ? {} : { transferList: [port] }),
  });
  const pending = new Map<number, { resolve(v: FromThread): void; reject(e: Error): void }>();
  let statuses: Record<string, RemoteChannelStatus> = {};
  let seq = 0;
  let stopped = false;
  let failure: Error | undefined;
  const wakes = new Set<string>();
  const host: ProcessingHost = {
    async run(definition: ChannelDefinition) {
      await request({ type: 'run', seq: ++seq, definition });
    },
    async halt(channel, graceMs) {
      await request({ type: 'halt', seq: ++seq, channel, graceMs });
    },
    wake(channel) {
      if (wakes.size === 0)
        setImmediate(() => {
          send({ type: 'wake', channels: [...wakes] });
          wakes.clear();
        });
      wakes.add(channel);
    },
    status: (channel) => {
      const s = statuses[channel] ?? IDLE;
      return failure === undefined
        ? s
        : { ...s, lastError: `processing thread: ${failure.message}` };
    },
    watch(id) {
      send({ type: 'watch', id });
    },
    unwatch(id) {
      send({ type: 'unwatch', id });
    },
    async stop(graceMs) {
      if (stopped) return;
      removeMetrics();
      const exited = new Promise<void>((r) => worker.once('exit', () => { r(); }));
      if (failure === undefined)
        await request({ type: 'stop', seq: ++seq, graceMs }).catch(() => undefined);
      stopped = true;
      await exited;
    },
  };

  function send(message: ToThread): void {
    if (failure === undefined && !stopped) worker.postMessage(message);
  }

  function request(message: ToThread & { seq: number }): Promise<FromThread> {
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      pending.set(message.seq, { resolve, reject });
      worker.postMessage(message);
    }).then((reply) => {
      const error = (reply as { error?: string }).error;
      if (error !== undefined) throw new Error(error);
      return reply as FromThread;
    });
  }

  const removeMetrics = addMetricsSource(async () => {
    if (failure !== undefined || stopped) return [];
    const reply = await request({ type: 'metrics', seq: ++seq });
    return (reply as { metrics?: MetricsSnapshot }).metrics ?? [];
  });

  const fail = (error: Error): void => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromThread) => {
      switch (message.type) {
        case 'ready':
          resolve();
          return;
        case 'failed':
          reject(new Error(message.message));
          return;
        case 'done': {
          const p = pending.get(message.seq);
          pending.delete(message.seq);
          p?.resolve(message);
          return;
        }
        case 'outcome':
          outcomes.settle(message.outcome);
          return;
        case 'status':
          statuses = message.channels;
          return;
      }
    });
    worker.on('error', (error) => {
      logger.error({ stage: 'engine', err: error.message }, 'processing thread failed');
      fail(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      if (stopped) return;
      const error = new Error(`the processing thread exited (${code})`);
      logger.error({ stage: 'engine', code }, 'processing thread exited');
      fail(error);
      reject(error);
    });
  });
  try {
    await ready;
  } catch (error) {
    removeMetrics();
    await worker.terminate();
    throw error;
  }
  return host;
}
