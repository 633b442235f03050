import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { loadChannels } from '../config/load-channels.js';
import type { EngineSettings } from '../core/settings.js';
import type { EngineControl } from '../engine/control.js';
import { gatherSnapshot } from './gather.js';
import { reconcile } from './incidents.js';
import { Outbox, type OutboxStatus } from './outbox.js';
import { createReceiver } from './receivers.js';
import { findings } from './rules.js';
import { readState, stateFile, writeState, type AlertState } from './state-file.js';
import { incidentKey, type Incident } from './types.js';

export interface AlertsView {
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly checkedAt: number | null;
  /** Why the last check failed (it is tried again at the next interval). */
  readonly checkError: string | null;
  readonly open: readonly Incident[];
  /** Recovered incidents, newest first. */
  readonly recent: readonly Incident[];
  readonly receivers: readonly OutboxStatus[];
}

export interface AlertMonitorOptions {
  readonly control: EngineControl;
  readonly settings: EngineSettings;
  readonly configDir: string;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: () => number;
}

/**
 * Checks the alert rules every `intervalMs`, keeps incidents (one per rule and subject, opened
 * once, recovered once) and hands their notices to each receiver's outbox.
 */
export class AlertMonitor {
  private state: AlertState;
  private open = new Map<string, Incident>();
  private readonly outboxes: Outbox[];
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private checkedAt: number | null = null;
  private checkError: string | null = null;
  private readonly file: string;

  private constructor(
    private readonly options: AlertMonitorOptions,
    state: AlertState,
  ) {
    this.clock = options.clock ?? Date.now;
    this.state = state;
    for (const i of state.open) this.open.set(incidentKey(i.rule, i.subject), i);
    this.file = stateFile(options.dataDir);
    const alerts = options.settings.alerts;
    const instance = options.settings.instanceId ?? hostname();
    this.outboxes = alerts.receivers.map(
      (r, i) =>
        new Outbox(createReceiver(r, i), {
          policy: alerts.delivery,
          instance,
          clock: this.clock,
          logger: options.logger,
        }),
    );
  }

  /** Reads the kept state and starts checking; the first check runs at once. */
  static async start(options: AlertMonitorOptions): Promise<AlertMonitor> {
    const monitor = new AlertMonitor(options, await readState(stateFile(options.dataDir)));
    monitor.running = monitor.check();
    monitor.timer = setInterval(() => {
      monitor.running = monitor.running.then(() => monitor.check());
    }, options.settings.alerts.intervalMs);
    monitor.timer.unref();
    return monitor;
  }

  /** Runs one check now (after any running one); for operators' "check now" and tests. */
  async checkNow(): Promise<void> {
    this.running = this.running.then(() => this.check());
    await this.running;
  }

  view(): AlertsView {
    return {
      enabled: true,
      intervalMs: this.options.settings.alerts.intervalMs,
      checkedAt: this.checkedAt,
      checkError: this.checkError,
      open: [...this.open.values()].sort((a, b) => b.openedAt - a.openedAt),
      recent: this.state.recent,
      receivers: this.outboxes.map((o) => o.status()),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.outboxes.map((o) => o.close()));
  }

  private async check(): Promise<void> {
    const { settings, control, logger } = this.options;
    const alerts = settings.alerts;
    const now = this.clock();
    try {
      const rules = alerts.rules;
      const definitions =
        rules.expiry === false
          ? []
          : loadChannels(this.options.configDir, this.options.env).channels;
      const { snapshot, ers } = await gatherSnapshot({
        control,
        rules,
        settings,
        configDir: this.options.configDir,
        definitions,
        now,
        ers: this.state.ers,
      });
      const result = reconcile(this.open, findings(snapshot, rules), {
        now,
        clearAfterChecks: alerts.clearAfterChecks,
      });
      this.open = new Map(result.open);
      this.state = {
        open: [...result.open.values()],
        recent: [...result.closed].reverse().concat(this.state.recent).slice(0, alerts.keepRecent),
        ers,
      };
      for (const n of result.notices)
        logger.warn(
          { stage: 'alerts', rule: n.incident.rule, subject: n.incident.subject, kind: n.kind },
          n.kind === 'opened' ? `alert: ${n.incident.summary}` : 'alert recovered',
        );
      for (const o of this.outboxes) o.add(result.notices);
      this.checkedAt = now;
      this.checkError = null;
      await writeState(this.file, this.state);
    } catch (error) {
      this.checkError = (error as Error).message;
      logger.error({ stage: 'alerts', err: this.checkError }, 'alert check failed');
    }
  }
}
