import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/**
 * The one prom-client registry of ers-bridge, scraped at `/metrics`. Other stages import the
 * named metrics below and observe them; they never create registries of their own.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ers_bridge_' });

/** e-RS API call latency; `outcome` is `ok` or an error code (e.g. ERS_THROTTLED). */
export const ersCallDuration = new Histogram({
  name: 'ers_bridge_ers_call_duration_seconds',
  help: 'Duration of e-RS API calls by endpoint and outcome',
  labelNames: ['endpoint', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [registry],
});

/** Messages that reached a status, counted when the worker moved them there. */
export const messagesProcessed = new Counter({
  name: 'ers_bridge_messages_processed_total',
  help: 'Messages moved to a status by the engine, by channel and status',
  labelNames: ['channel', 'status'] as const,
  registers: [registry],
});

/** Time from receipt to the (application) ACK going out. */
export const ackLatency = new Histogram({
  name: 'ers_bridge_ack_latency_seconds',
  help: 'Time from receiving a message to sending its acknowledgement',
  labelNames: ['channel'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30],
  registers: [registry],
});

/** Set at scrape time from the store (see `refreshStoreGauges`). */
export const messagesByStatus = new Gauge({
  name: 'ers_bridge_messages',
  help: 'Stored messages by channel and status',
  labelNames: ['channel', 'status'] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'ers_bridge_queue_depth',
  help: 'Messages waiting for a worker (RECEIVED, TRANSFORMED, QUEUED) by channel',
  labelNames: ['channel'] as const,
  registers: [registry],
});

/** A sender reused a control id with other content (stored as new, or refused by policy). */
export const controlIdReused = new Counter({
  name: 'ers_bridge_control_id_reused_total',
  help: 'Messages whose control id was used before with different content, by channel and action (processed or refused)',
  labelNames: ['channel', 'action'] as const,
  registers: [registry],
});

/** A message could not be stored: the sender was answered with a NAK (or an error), never an ACK. */
export const storeWriteFailures = new Counter({
  name: 'ers_bridge_store_write_failures_total',
  help: 'Received messages the store could not commit (the sender got a negative answer), by channel',
  labelNames: ['channel'] as const,
  registers: [registry],
});

/** Ambiguous outcomes the engine settled by reading e-RS back, by result (applied, not-applied, unknown). */
export const outcomesSettled = new Counter({
  name: 'ers_bridge_outcomes_settled_total',
  help: 'Ambiguous destination failures settled by asking e-RS, by channel and result',
  labelNames: ['channel', 'result'] as const,
  registers: [registry],
});

/** 1 while the store takes durable writes, 0 after a failed write or a vanished store file. */
export const storeHealthy = new Gauge({
  name: 'ers_bridge_store_healthy',
  help: 'Whether the message store can take durable writes (1) or not (0), as /readyz reports it',
  registers: [registry],
});

/** Metrics as another thread's registry reports them (`registry.getMetricsAsJSON()`). */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

const otherThreads = new Set<() => Promise<MetricsSnapshot>>();

/**
 * A processing thread's metrics (decision 170): prom-client registries are per thread, so its
 * counters and histograms are asked for at scrape time and added to this thread's. Returns the
 * function that removes the source again.
 */
export function addMetricsSource(source: () => Promise<MetricsSnapshot>): () => void {
  otherThreads.add(source);
  return () => {
    otherThreads.delete(source);
  };
}

/** The `/metrics` text: this thread's registry, plus the processing thread's when it runs. */
export async function scrapeMetrics(): Promise<string> {
  if (otherThreads.size === 0) return registry.metrics();
  const mine = await registry.getMetricsAsJSON();
  const theirs = await Promise.all([...otherThreads].map((f) => f().catch(() => [])));
  return AggregatorRegistry.aggregate([mine, ...theirs]).metrics();
}

/** Pure: a thread's own metrics, without the process-wide defaults (CPU, memory, heap) that the
 * main thread already reports for the whole process. */
export function threadOwnMetrics(all: MetricsSnapshot): MetricsSnapshot {
  return all.filter(
    (m) => !m.name.startsWith('ers_bridge_process_') && !m.name.startsWith('ers_bridge_nodejs_'),
  );
}
