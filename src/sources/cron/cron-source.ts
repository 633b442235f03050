import cron, { type ScheduledTask } from 'node-cron';
import { z } from 'zod';
import type {
  PluginFactoryContext,
  Source,
  SourceContext,
  SourceStatus,
} from '../../core/plugins.js';
import { ContentType } from '../../core/content-types.js';

export const CronSourceSchema = z
  .object({
    schedule: z.string().refine((s) => cron.validate(s), 'is not a valid cron expression'),
    timezone: z.string().default('Europe/London'),
    /** Handed to the transformer as `payload` (e.g. the service ids to poll). */
    payload: z.record(z.string(), z.unknown()).default({}),
    messageType: z.string().default('poll'),
  })
  .strict();
export type CronSourceConfig = z.infer<typeof CronSourceSchema>;

/**
 * Pure: the trigger message for one tick. The control id is the tick's minute, so when several
 * instances share a PostgreSQL store the duplicate ticks of one minute collapse into one message.
 */
export function tickMessage(config: CronSourceConfig, channelId: string, at: Date) {
  const minute = at.toISOString().slice(0, 16);
  return {
    sender: `cron:${channelId}`,
    controlId: minute,
    contentType: ContentType.json,
    messageType: config.messageType,
    raw: Buffer.from(
      JSON.stringify({
        trigger: config.messageType,
        scheduledAt: `${minute}:00Z`,
        payload: config.payload,
      }),
    ),
    sourceMeta: { schedule: config.schedule },
  };
}

export function createCronSource(config: CronSourceConfig, factory: PluginFactoryContext): Source {
  let task: ScheduledTask | undefined;
  let ctx: SourceContext | undefined;
  let lastTick: string | null = null;
  return {
    start(context) {
      ctx = context;
      task = cron.schedule(
        config.schedule,
        async (tick) => {
          const at = tick.date;
          lastTick = at.toISOString();
          const store = async (): Promise<void> => {
            await ctx?.receive(tickMessage(config, factory.channelId, at));
          };
          try {
            // Once per cluster: instances sharing a PostgreSQL store take an advisory lock (the
            // minute's control id also collapses a tick another instance stored just before).
            const shared = factory.services.store;
            if (shared.runExclusive === undefined) await store();
            else await shared.runExclusive(`cron:${factory.channelId}`, store);
          } catch (error) {
            factory.logger.error(
              { stage: 'source', err: (error as Error).message },
              'scheduled poll not stored',
            );
          }
        },
        { timezone: config.timezone, noOverlap: true, name: `ers-bridge:${factory.channelId}` },
      );
      return Promise.resolve();
    },
    async stop() {
      await task?.destroy();
      task = undefined;
      ctx = undefined;
    },
    status(): SourceStatus {
      return {
        type: 'cron',
        endpoint: `cron "${config.schedule}" ${config.timezone}`,
        listening: task !== undefined,
        detail: { lastTick },
      };
    },
  };
}
