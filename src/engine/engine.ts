import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  channelFiles,
  failureIssues,
  formatFailures,
  loadChannelFile,
  loadChannels,
  type ChannelDefinition,
} from '../config/index.js';
import type { EngineSettings } from '../core/settings.js';
import type { MessageStore, ReprocessRequest, ReprocessResult } from '../core/store-types.js';
import { buildChannel } from './build-pipeline.js';
import { ChannelRuntime } from './channel-runtime.js';
import type { ChannelInfo, ConfigProblem, EngineControl, ReloadOutcome } from './control.js';
import { EngineError, problemLines, type Issue } from '../core/errors.js';
import { OutcomeWaiters, type OutcomeSink } from './outcomes.js';
import type { ProcessingHost } from './processing-host.js';
import { serviceProviders, type EngineServices, type ServiceProvider } from '../core/services.js';

export interface EngineOptions {
  readonly configDir: string;
  readonly dataDir: string;
  readonly settings: EngineSettings;
  readonly store: MessageStore;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Starts processing apart from the sources (`workers.processIn: thread`, decision 170), once
   * the services run and before any channel starts; without it each channel's workers run here,
   * beside its source.
   */
  readonly startProcessing?: (context: ProcessingContext) => Promise<ProcessingHost>;
}

/** What a processing host is started with. */
export interface ProcessingContext {
  readonly services: EngineServices;
  /** The engine's lease owner: the processing side claims as this engine. */
  readonly owner: string;
  /** Where finished messages' outcomes go (the sources' waits). */
  readonly outcomes: OutcomeSink;
}

/** The channel runtime host: services, channels, reload and shutdown. */
export class Engine implements EngineControl {
  readonly services: EngineServices;
  readonly store: MessageStore;
  readonly owner: string;
  private readonly runtimes = new Map<string, ChannelRuntime>();
  /** Refused channel files by path, until the file loads (or vanishes). */
  private readonly refused = new Map<string, ConfigProblem>();
  private readonly outcomes: OutcomeWaiters;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private startedProviders: ServiceProvider[] = [];
  private processing: ProcessingHost | undefined;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
    this.owner = engineOwner(options.settings);
    this.outcomes = new OutcomeWaiters({
      watch: (id) => this.processing?.watch(id),
      unwatch: (id) => this.processing?.unwatch(id),
    });
    this.services = {
      store: options.store,
      settings: options.settings,
      logger: options.logger,
      clock: this.clock,
    };
  }

  /** Starts services, then every valid enabled channel; invalid channel files are reported, not fatal. */
  async start(): Promise<{ failures: string[] }> {
    for (const provider of serviceProviders()) {
      await provider.start(this.services);
      this.startedProviders.push(provider);
    }
    this.processing = await this.options.startProcessing?.({
      services: this.services,
      owner: this.owner,
      outcomes: this.outcomes,
    });
    const { channels, failures } = loadChannels(this.options.configDir, this.options.env);
    const problems = formatFailures(failures);
    for (const line of problems) this.logger.error({ stage: 'config' }, `channel refused: ${line}`);
    for (const f of failures) this.noteRefused(f.file, formatFailures([f]));
    for (const def of channels) {
      try {
        await this.addChannel(def);
      } catch (error) {
        // A channel that failed to start (port in use, folder locked) is FAILED with its own
        // lastError; its file was not refused, so it is no config problem.
        problems.push(`${def.file}: ${(error as Error).message}`);
        this.logger.error(
          { channel: def.id, err: (error as Error).message },
          'channel failed to start',
        );
      }
    }
    return { failures: problems };
  }

  private async addChannel(def: ChannelDefinition): Promise<ChannelRuntime> {
    const built = await buildChannel(def, { ...this.options, services: this.services });
    const runtime = new ChannelRuntime(def, built, {
      store: this.store,
      services: this.services,
      logger: this.logger,
      owner: this.owner,
      outcomes: this.outcomes,
      clock: this.clock,
      pollIntervalMs: this.options.settings.workers.pollIntervalMs,
      leaseMs: this.options.settings.workers.leaseMs,
      processing: this.processing,
    });
    this.runtimes.set(def.id, runtime);
    if (def.enabled) await runtime.start();
    return runtime;
  }

  channels(): ChannelInfo[] {
    return [...this.runtimes.values()].map((r) => r.info());
  }

  private runtime(id: string): ChannelRuntime {
    const r = this.runtimes.get(id);
    if (!r) throw new EngineError('STORE_NOT_FOUND', `no channel "${id}"`);
    return r;
  }

  async startChannel(id: string, actor: string): Promise<void> {
    await this.runtime(id).start();
    this.logger.info({ channel: id, actor }, 'channel started');
  }

  async stopChannel(id: string, actor: string): Promise<void> {
    await this.runtime(id).stop(this.options.settings.workers.shutdownGraceMs);
    this.logger.info({ channel: id, actor }, 'channel stopped');
  }

  /** Validates and rebuilds the channel before touching the running one: invalid → old kept. */
  async reloadChannel(id: string, actor: string): Promise<ReloadOutcome> {
    const current = this.runtime(id);
    return this.reloadFile(current.definition.file, actor);
  }

  configProblems(): readonly ConfigProblem[] {
    return [...this.refused.values()];
  }

  private noteRefused(file: string, errors: readonly string[]): void {
    const runtime = [...this.runtimes.values()].find((r) => r.definition.file === file);
    runtime?.noteRefusedReload(errors);
    this.refused.set(file, {
      file,
      channel: runtime?.definition.id ?? null,
      at: this.clock(),
      errors,
    });
  }

  private async reloadFile(file: string, actor: string): Promise<ReloadOutcome> {
    const outcome = await this.tryReloadFile(file, actor);
    if (outcome.ok) {
      this.refused.delete(file);
      for (const r of this.runtimes.values())
        if (r.definition.file === file) r.clearRefusedReload();
    } else this.noteRefused(file, outcome.errors);
    return outcome;
  }

  private async tryReloadFile(file: string, actor: string): Promise<ReloadOutcome> {
    const loaded = loadChannelFile(file, this.options.env);
    if (!loaded.ok) return this.refuse(formatFailures([loaded]), actor, failureIssues([loaded]));
    const def = loaded.channel;
    const existing = this.runtimes.get(def.id);
    if (existing && existing.definition.file !== file) {
      const message = `channel id "${def.id}" is already used by ${existing.definition.file}`;
      return this.refuse([`${file}:1: id ${message}`], actor, [
        { code: 'CONFIG_DUPLICATE_CHANNEL', message, location: { file, line: 1 } },
      ]);
    }
    let built;
    try {
      built = await buildChannel(def, { ...this.options, services: this.services });
    } catch (error) {
      // One line per problem (a mapping's compile issues each on its own), with their codes.
      const issues = error instanceof EngineError ? error.issues : [];
      return this.refuse(problemLines(error), actor, issues);
    }
    if (existing) await existing.replace(def, built, this.options.settings.workers.shutdownGraceMs);
    else await this.addChannel(def);
    this.logger.info({ channel: def.id, actor, version: def.hash }, 'channel reloaded');
    return { ok: true, errors: [] };
  }

  private refuse(errors: string[], actor: string, issues: readonly Issue[] = []): ReloadOutcome {
    for (const e of errors)
      this.logger.error({ stage: 'config', actor }, `reload refused, previous version kept: ${e}`);
    return { ok: false, errors, ...(issues.length === 0 ? {} : { issues }) };
  }

  /** Reloads every channel file; files that vanished stop their channel. */
  async reloadAll(actor: string): Promise<ReloadOutcome> {
    const files = channelFiles(this.options.configDir);
    for (const file of this.refused.keys()) if (!files.includes(file)) this.refused.delete(file);
    const errors: string[] = [];
    const issues: Issue[] = [];
    for (const file of files) {
      const outcome = await this.reloadFile(file, actor);
      errors.push(...outcome.errors);
      issues.push(...(outcome.issues ?? []));
    }
    for (const [id, r] of this.runtimes) {
      if (!files.includes(r.definition.file)) {
        await r.stop(this.options.settings.workers.shutdownGraceMs);
        await r.close();
        this.runtimes.delete(id);
      }
    }
    return { ok: errors.length === 0, errors, ...(issues.length === 0 ? {} : { issues }) };
  }

  async reprocess(messageId: number, request: ReprocessRequest): Promise<ReprocessResult> {
    const result = await this.store.reprocess(messageId, request);
    const m = result.ok ? await this.store.get(messageId) : undefined;
    if (m) this.runtimes.get(m.channel)?.wake();
    return result;
  }

  /** Graceful shutdown: stop taking messages, finish or release in-flight work, close. */
  async stop(): Promise<void> {
    const grace = this.options.settings.workers.shutdownGraceMs;
    await Promise.all([...this.runtimes.values()].map((r) => r.stop(grace)));
    await this.processing?.stop(grace);
    this.processing = undefined;
    const released = await this.store.releaseLeases(this.owner);
    for (const r of this.runtimes.values()) await r.close();
    for (const p of this.startedProviders.reverse()) await p.stop?.(this.services);
    this.startedProviders = [];
    this.logger.info({ stage: 'engine', released }, 'engine stopped');
  }
}

/** The lease owner of an engine: settings.instanceId, or host, pid and a random part. */
export function engineOwner(settings: EngineSettings): string {
  return settings.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
