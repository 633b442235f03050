// sources/cron: scheduled polls (node-cron, Europe/London) that put a trigger message on the channel.
import { sources } from '../../core/registry.js';
import { CronSourceSchema, createCronSource } from './cron-source.js';

sources.register({
  type: 'cron',
  description:
    'Schedule (node-cron): stores a JSON trigger message at each tick, e.g. an A008 worklist poll',
  schema: CronSourceSchema,
  create: (config, ctx) => createCronSource(config, ctx),
});
