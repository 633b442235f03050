import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { FOLDERS_SYNC, folderSyncs as folders } from './folder-sync.js';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file, applied even over the umask (default 0o666 less the umask). */
  readonly mode?: number;
}

let tempCount = 0;

/**
 * Same folder as the target, so the rename stays on one file system; a dot keeps consumers off.
 * Unique per write, not just per process: two writes of one name at once (two messages whose
 * file names render alike) shared a temp file, and one could rename the other's half-written
 * bytes into place.
 */
function tempPathFor(path: string): string {
  tempCount = (tempCount + 1) % Number.MAX_SAFE_INTEGER;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tempCount}.tmp`);
}

/**
 * Writes and fsyncs `data` as a fresh temp file beside `path` (tempPathFor) and returns its name;
 * a failed write removes it and throws the file-system error. What the caller then does with the
 * durable temp file (rename over `path`, hard-link to a new name) is its own.
 */
export async function writeDurableTemp(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'w', options.mode);
    try {
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  return temp;
}

/**
 * Writes `data` to `path` so that nobody ever sees a partial file: a temp file beside it, fsync,
 * then rename over the target, then fsync of the folder, without which the rename itself (a change
 * to the folder, not the file) may not survive a power cut on file systems that do not journal it
 * with the file. A failed write removes its temp file and throws the file-system error; callers
 * give it their own catalogued code.
 */
export async function writeFileAtomically(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = await writeDurableTemp(path, data, options);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await folders.sync(dirname(path));
}

/** `writeFileAtomically` for synchronous callers (the users file, edited under a sync lock). */
export function writeFileAtomicallySync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'w', options.mode);
    try {
      if (options.mode !== undefined) fchmodSync(fd, options.mode);
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncFolderSync(dirname(path));
}

function fsyncFolderSync(folder: string): void {
  if (!FOLDERS_SYNC) return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
