import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomically as writeAtomically } from '../../core/atomic-write.js';
import { EngineError } from '../../core/errors.js';
import type { Destination, DestinationResult, PluginFactoryContext } from '../../core/plugins.js';
import { GroupQueue, type Settled } from './group-queue.js';
import { FILE_DEFAULTS, type FileDestinationConfig } from './schema.js';
import { writeFilesTogether, type FileToWrite } from './write-together.js';
import { createBatchFileSend } from './batch-writer.js';
import { contentFor, fileNameFor, stringOutputs } from './content.js';

export { FileDestinationSchema, type FileDestinationConfig } from './schema.js';
export { contentFor, fileNameFor, previousOutputs } from './content.js';

const unavailable = (folder: string, error: unknown): EngineError =>
  new EngineError('DEST_UNAVAILABLE', `cannot write to ${folder}: ${(error as Error).message}`, {
    cause: error,
  });

/**
 * Writes `bytes` as `folder/name` so that nobody ever sees a partial file: a temp file in the
 * same folder, fsync, then rename. Fails as DEST_UNAVAILABLE (retried) when the folder cannot
 * be written. (The letter destination's write; the file destination writes in groups.)
 */
export async function writeFileAtomically(
  folder: string,
  name: string,
  bytes: Buffer,
): Promise<string> {
  const target = join(folder, name);
  try {
    await writeAtomically(target, bytes);
  } catch (error) {
    throw unavailable(folder, error);
  }
  return target;
}

/** Files written together: up to a worker's batches of all workers (4 × 16) in one group. */
const PER_MESSAGE_GROUP = { maxEntries: 64, maxBytes: 64 * 1024 * 1024, concurrency: 2 } as const;

export function createFileDestination(
  config: FileDestinationConfig,
  factory: PluginFactoryContext,
): Destination {
  const folder = isAbsolute(config.folder)
    ? config.folder
    : resolve(factory.dataDir, config.folder);
  if (config.mode === 'batch-file')
    return {
      // A send interrupted by a crash is made again: before its file was named, nothing of it
      // is visible; after, the message is written again in a later file (decision 195).
      safeToRepeat: true,
      send: createBatchFileSend(config, { folder, channelId: factory.channelId }),
    };
  const template = config.fileName ?? FILE_DEFAULTS.perMessageName;
  const files = new GroupQueue<FileToWrite, string>(
    async (group): Promise<Settled<string>[]> => writeFilesTogether(group),
    { ...PER_MESSAGE_GROUP, sizeOf: (f) => f.bytes.length },
  );
  return {
    // The same message always writes the same bytes to the same name, atomically.
    safeToRepeat: true,
    async send(ctx): Promise<DestinationResult> {
      const name = fileNameFor(template, {
        ...stringOutputs(ctx.previous),
        channel: ctx.channelId,
        id: String(ctx.message.id),
        controlId: ctx.message.controlId ?? '',
        date: new Date(ctx.now).toISOString().slice(0, 10),
      });
      try {
        const file = await files.add({ path: join(folder, name), bytes: contentFor(config, ctx) });
        return { output: { file } };
      } catch (error) {
        throw unavailable(folder, error);
      }
    },
  };
}
