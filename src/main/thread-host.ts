import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ChannelDefinition } from '../config/index.js';
import { addMetricsSource, type MetricsSnapshot } from '../core/metrics.js';
import type { MessageStore } from '../core/store-types.js';
import type { OutcomeSink } from '../engine/outcomes.js';
import type { ProcessingHost, RemoteChannelStatus } from '../engine/processing-host.js';
import { startModuleThread } from '../core/thread-boot.js';
import type { FromThread, ProcessingThreadData, ToThread } from './processing-protocol.js';

export interface ThreadHostOptions extends Omit<ProcessingThreadData, 'writerPort'> {
  readonly logger: Logger;
  /** The engine's store: a restarted thread's predecessor's leases are given back through it. */
  readonly store: MessageStore;
  /** The sources' outcome waits, settled as the thread reports outcomes. */
  readonly outcomes: OutcomeSink;
  /** A new port to the engine's SQLite writer thread for each thread started (undefined:
   * PostgreSQL, or SQLite writing inline: the thread opens its own). */
  readonly writerPort: () => ProcessingThreadData['writerPort'];
}

const IDLE: RemoteChannelStatus = { inFlight: 0, lastError: null };
/** A thread that died is started again after this, doubling up to the maximum while it keeps
 * dying before it is ready. */
const RESTART_FIRST_MS = 1000;
const RESTART_MAX_MS = 30_000;

/** Starts the processing thread; resolves once its services and store are open. */
export async function startProcessingThread(options: ThreadHostOptions): Promise<ProcessingHost> {
  const host = new ThreadHost(options);
  await host.boot();
  return host;
}

/**
 * The engine's side of the processing thread. Wakes are coalesced: every append wakes its
 * channel, and one message per turn carries them all. A thread that dies (an uncaught error in
 * a plugin, out of memory) is started again with every channel it ran; its leases are given
 * back first, under an owner name of its own, so nothing it left half-done waits for a lease
 * to expire and no late write of the dead thread counts.
 */
class ThreadHost implements ProcessingHost {
  private worker: Worker | undefined;
  private readonly pending = new Map<
    number,
    { resolve(v: FromThread): void; reject(e: Error): void }
  >();
  private statuses: Record<string, RemoteChannelStatus> = {};
  private seq = 0;
  private stopped = false;
  private down: Error | undefined = new Error('starting');
  private incarnation = 0;
  private restartDelayMs = RESTART_FIRST_MS;
  private readonly running = new Map<string, ChannelDefinition>();
  private readonly watched = new Set<number>();
  private readonly wakes = new Set<string>();
  private readonly removeMetrics: () => void;

  constructor(private readonly options: ThreadHostOptions) {
    this.removeMetrics = addMetricsSource(async () => {
      if (this.down !== undefined || this.stopped) return [];
      const reply = await this.request({ type: 'metrics', seq: ++this.seq });
      return (reply as { metrics?: MetricsSnapshot }).metrics ?? [];
    });
  }

  private get owner(): string {
    return this.incarnation <= 1
      ? this.options.owner
      : `${this.options.owner}/restart-${this.incarnation}`;
  }

  /** Starts a thread and waits until it is ready (rejects if it fails to start). */
  async boot(): Promise<void> {
    this.incarnation++;
    const { logger, outcomes } = this.options;
    const port = this.options.writerPort();
    const data: ProcessingThreadData = {
      configDir: this.options.configDir,
      dataDir: this.options.dataDir,
      settings: this.options.settings,
      owner: this.owner,
      sandboxUrl: this.options.sandboxUrl,
      writerPort: port,
      prettyLogs: this.options.prettyLogs,
    };
    const worker = startModuleThread(import.meta.url, 'processing-thread', {
      workerData: data,
      ...(port === undefined ? {} : { transferList: [port] }),
    });
    this.worker = worker;
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
            const p = this.pending.get(message.seq);
            this.pending.delete(message.seq);
            p?.resolve(message);
            return;
          }
          case 'outcome':
            outcomes.settle(message.outcome);
            return;
          case 'status':
            this.statuses = message.channels;
            return;
        }
      });
      worker.on('error', (error) => {
        logger.error({ stage: 'engine', err: error.message }, 'processing thread failed');
        reject(error);
        this.lost(worker, error);
      });
      worker.on('exit', (code) => {
        const error = new Error(`the processing thread exited (${code})`);
        reject(error);
        this.lost(worker, error);
      });
    });
    try {
      await ready;
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    this.down = undefined;
    this.restartDelayMs = RESTART_FIRST_MS;
    for (const id of this.watched) this.send({ type: 'watch', id });
  }

  /** The thread is gone: its requests fail, and unless the engine is stopping it starts again. */
  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker || this.stopped) return;
    const wasUp = this.down === undefined;
    this.down = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    if (!wasUp) return;
    this.options.logger.error(
      { stage: 'engine', err: error.message },
      'processing thread lost; starting it again',
    );
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(RESTART_MAX_MS, delay * 2);
    setTimeout(() => {
      void this.restart();
    }, delay).unref();
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    const previous = this.owner;
    try {
      await this.options.store.releaseLeases(previous);
      await this.boot();
      for (const definition of this.running.values())
        await this.run(definition).catch((error: unknown) => {
          this.options.logger.error(
            { stage: 'engine', channel: definition.id, err: (error as Error).message },
            'processing thread refused the channel after a restart',
          );
        });
    } catch (error) {
      this.down = error as Error;
      this.options.logger.error(
        { stage: 'engine', err: (error as Error).message },
        'processing thread did not start again',
      );
      this.scheduleRestart();
    }
  }

  async run(definition: ChannelDefinition): Promise<void> {
    this.running.set(definition.id, definition);
    await this.request({ type: 'run', seq: ++this.seq, definition });
  }

  async halt(channel: string, graceMs: number): Promise<void> {
    this.running.delete(channel);
    if (this.down !== undefined) return;
    await this.request({ type: 'halt', seq: ++this.seq, channel, graceMs });
  }

  wake(channel: string): void {
    if (this.wakes.size === 0)
      setImmediate(() => {
        this.send({ type: 'wake', channels: [...this.wakes] });
        this.wakes.clear();
      });
    this.wakes.add(channel);
  }

  status(channel: string): RemoteChannelStatus {
    const s = this.statuses[channel] ?? IDLE;
    return this.down === undefined
      ? s
      : { inFlight: 0, lastError: `processing thread: ${this.down.message}` };
  }

  watch(id: number): void {
    this.watched.add(id);
    this.send({ type: 'watch', id });
  }

  unwatch(id: number): void {
    this.watched.delete(id);
    this.send({ type: 'unwatch', id });
  }

  async stop(graceMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.removeMetrics();
    if (this.down === undefined)
      await this.request({ type: 'stop', seq: ++this.seq, graceMs }).catch((error: unknown) => {
        this.options.logger.error(
          { stage: 'engine', err: (error as Error).message },
          'processing thread did not stop cleanly',
        );
      });
    // Its work is committed and its store closed: what still holds the thread (keep-alive
    // sockets of an HTTP client) must not hold the engine's shutdown.
    await this.worker?.terminate();
  }

  private send(message: ToThread): void {
    if (this.down === undefined && !this.stopped) this.worker?.postMessage(message);
  }

  private request(message: ToThread & { seq: number }): Promise<FromThread> {
    const worker = this.worker;
    if (this.down !== undefined || worker === undefined)
      return Promise.reject(this.down ?? new Error('the processing thread is not running'));
    return new Promise<FromThread>((resolve, reject) => {
      this.pending.set(message.seq, { resolve, reject });
      worker.postMessage(message);
    }).then((reply) => {
      const error = (reply as { error?: string }).error;
      if (error !== undefined) throw new Error(error);
      return reply;
    });
  }
}
