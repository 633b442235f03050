import type { DestinationContext } from '../../core/plugins.js';
import type { FileDestinationConfig } from './schema.js';

/** Pure: the file name for a message, with anything that could leave the folder replaced. */
export function fileNameFor(template: string, values: Record<string, string>): string {
  const name = template.replace(/\{(\w+)\}/g, (_m, k: string) => values[k] ?? '');
  return name.replace(/[/\\]/g, '_').replace(/^\.+/, '_');
}

export function contentFor(config: FileDestinationConfig, ctx: DestinationContext): Buffer {
  switch (config.content) {
    case 'raw':
      return ctx.message.raw ?? Buffer.alloc(0);
    case 'mapped':
      return Buffer.from(
        JSON.stringify({ operation: ctx.mapped.operation, input: ctx.mapped.input }, null, 2),
      );
    case 'results':
      return Buffer.from(JSON.stringify(ctx.previous, null, 2));
    default:
      return config.content satisfies never;
  }
}

/** The outputs of earlier destinations (ubrn, version…), merged, for names and letters. */
export function previousOutputs(previous: DestinationContext['previous']): Record<string, unknown> {
  return Object.assign({}, ...Object.values(previous).map((r) => r.output ?? {})) as Record<
    string,
    unknown
  >;
}

export const stringOutputs = (previous: DestinationContext['previous']): Record<string, string> =>
  Object.fromEntries(
    Object.entries(previousOutputs(previous)).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
