import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically as writeAtomically } from '../../core/atomic-write.js';
import { EngineError } from '../../core/errors.js';
import type { Destination, DestinationContext, PluginFactoryContext } from '../../core/plugins.js';

export const FileDestinationSchema = z
  .object({
    /** Relative paths are under the data folder. */
    folder: z.string().min(1),
    /** `{channel}`, `{id}`, `{controlId}`, `{date}` (yyyy-mm-dd) and any output of an earlier
     * destination (`{ubrn}`) are replaced; the result is confined to the folder. */
    fileName: z.string().default('{channel}-{id}.json'),
    /** raw: the message as received; mapped: the logical inputs; results: every destination result so far. */
    content: z.enum(['raw', 'mapped', 'results']).default('raw'),
  })
  .strict();
export type FileDestinationConfig = z.infer<typeof FileDestinationSchema>;

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

const stringOutputs = (previous: DestinationContext['previous']): Record<string, string> =>
  Object.fromEntries(
    Object.entries(previousOutputs(previous)).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;

/** Folders made (or found) by this process: a mkdir per file was 3% of the engine's CPU
 * (decision 140). One deleted since is made again when the write says ENOENT. */
const madeFolders = new Set<string>();

async function writeInFolder(folder: string, target: string, bytes: Buffer): Promise<void> {
  if (!madeFolders.has(folder)) {
    await mkdir(folder, { recursive: true });
    madeFolders.add(folder);
  }
  try {
    await writeAtomically(target, bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(folder, { recursive: true });
    await writeAtomically(target, bytes);
  }
}

/**
 * Writes `bytes` as `folder/name` so that nobody ever sees a partial file: a temp file in the
 * same folder, fsync, then rename. Fails as DEST_UNAVAILABLE (retried) when the folder cannot
 * be written.
 */
export async function writeFileAtomically(
  folder: string,
  name: string,
  bytes: Buffer,
): Promise<string> {
  const target = join(folder, name);
  try {
    await writeInFolder(folder, target, bytes);
  } catch (error) {
    throw new EngineError(
      'DEST_UNAVAILABLE',
      `cannot write to ${folder}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return target;
}

export function createFileDestination(
  config: FileDestinationConfig,
  factory: PluginFactoryContext,
): Destination {
  const folder = isAbsolute(config.folder)
    ? config.folder
    : resolve(factory.dataDir, config.folder);
  return {
    // The same message always writes the same bytes to the same name, atomically.
    safeToRepeat: true,
    async send(ctx) {
      const name = fileNameFor(config.fileName, {
        ...stringOutputs(ctx.previous),
        channel: ctx.channelId,
        id: String(ctx.message.id),
        controlId: ctx.message.controlId ?? '',
        date: new Date(ctx.now).toISOString().slice(0, 10),
      });
      const target = await writeFileAtomically(folder, name, contentFor(config, ctx));
      return { output: { file: target } };
    },
  };
}
