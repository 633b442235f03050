import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomically as writeAtomically } from '../../core/atomic-write.js';
import type { Destination, DestinationResult, PluginFactoryContext } from '../../core/plugins.js';
import { FILE_DEFAULTS, type FileDestinationConfig } from './schema.js';
import { folderUnavailable, inFolder } from './new-file.js';
import { createBatchFileSend } from './batch-writer.js';
import { contentFor, fileNameFor, stringOutputs } from './content.js';
import { crashPoint, CrashPoint } from './crash-point.js';

export { FileDestinationSchema, type FileDestinationConfig } from './schema.js';
export { contentFor, fileNameFor, previousOutputs } from './content.js';

/**
 * Writes `bytes` as `folder/name` so that nobody ever sees a partial file: a temp file in the
 * same folder, fsync, rename, folder fsync (shared with the renames of the same moment, see
 * core/folder-sync.ts). Fails as DEST_UNAVAILABLE (retried) when the folder cannot be written.
 * Each message writes on its own: grouping a batch's files (all fsynced, then renamed, then one
 * folder fsync) halved processing, each file waiting for the group's slowest (decision 195).
 */
export async function writeFileAtomically(
  folder: string,
  name: string,
  bytes: Buffer,
): Promise<string> {
  const target = join(folder, name);
  try {
    await inFolder(folder, () => writeAtomically(target, bytes));
  } catch (error) {
    throw folderUnavailable(folder, error);
  }
  crashPoint(CrashPoint.fileNamed);
  return target;
}

/** Messages a worker holds for a batch-file destination when the channel sets no `batch`. */
export const BATCH_FILE_BATCH = 64;

export function createFileDestination(
  config: FileDestinationConfig,
  factory: PluginFactoryContext,
): Destination {
  const folder = isAbsolute(config.folder)
    ? config.folder
    : resolve(factory.dataDir, config.folder);
  if (config.mode === 'batch-file')
    return {
      // A send interrupted by a crash runs again: before its file was named nothing of it is
      // visible; after, the send finds its message in the file it recorded and does not write
      // it again (decision 215).
      safeToRepeat: true,
      // Its writes cost one fsync per file, not per message: processing kept up with the MLLP
      // source at 64 a worker and reached half of it at the default 16 (decision 195).
      batch: BATCH_FILE_BATCH,
      send: createBatchFileSend(config, { folder, channelId: factory.channelId }),
    };
  const template = config.fileName ?? FILE_DEFAULTS.perMessageName;
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
      const file = await writeFileAtomically(folder, name, contentFor(config, ctx));
      return { output: { file } };
    },
  };
}
