import { link, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { folderSyncs } from '../../core/folder-sync.js';
import { writeDurableTemp } from '../../core/atomic-write.js';
import { EngineError } from '../../core/errors.js';

/** Folders made (or found) by this process: a mkdir per file was 3% of the engine's CPU
 * (decision 140). One deleted since is made again when the write says ENOENT. */
const madeFolders = new Set<string>();

/**
 * Runs `write` of a file in `folder`, making the folder first unless this process already made
 * or found it, and once more if the write says ENOENT (the folder was deleted since).
 */
export async function inFolder<T>(folder: string, write: () => Promise<T>): Promise<T> {
  if (!madeFolders.has(folder)) {
    await mkdir(folder, { recursive: true });
    madeFolders.add(folder);
  }
  try {
    return await write();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(folder, { recursive: true });
    return await write();
  }
}

/** Why a write into `folder` failed, as the retried destination error. */
export const folderUnavailable = (folder: string, error: unknown): EngineError =>
  new EngineError('DEST_UNAVAILABLE', `cannot write to ${folder}: ${(error as Error).message}`, {
    cause: error,
  });

/** Errors from `link` that say the file system has no hard links (SMB/CIFS shares, FAT). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Pure: the n-th name tried for `path` when it is taken (`out.hl7`, `out-1.hl7`, …). */
export function alternativeName(path: string, n: number): string {
  if (n === 0) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${n}${ext}`;
}

/**
 * Writes `bytes` as a new file under `path`, or the first free `alternativeName`, never over an
 * existing file (a batch file's name says nothing of what is in it, so replacing one could drop
 * messages a consumer has not read yet). Returns the name used, durable (file and folder fsynced)
 * when it resolves.
 */
export async function writeNewFile(path: string, bytes: Uint8Array): Promise<string> {
  const temp = await inFolder(dirname(path), () => writeDurableTemp(path, bytes));
  try {
    for (let n = 0; n < MAX_TRIES; n++) {
      const candidate = alternativeName(path, n);
      if (!(await placeNew(temp, candidate))) continue;
      await folderSyncs.sync(dirname(candidate));
      return candidate;
    }
    throw noFreeName(path);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

const MAX_TRIES = 10_000;

const noFreeName = (path: string): Error =>
  new Error(`no free name beside ${basename(path)} after ${MAX_TRIES.toLocaleString('en')} tries`);

/**
 * The first n from `from` whose `alternativeName` of `path` no file has now, for a name that must
 * be known (and recorded) before the file is written under it; `placeNew` still refuses it if it
 * is taken since.
 */
export async function firstFree(path: string, from = 0): Promise<number> {
  for (let n = from; n < from + MAX_TRIES; n++)
    if (!(await exists(alternativeName(path, n)))) return n;
  throw noFreeName(path);
}

/**
 * Gives the durable `temp` file the name `path` unless a file has it: a hard link, which fails
 * when the name exists; where the file system has no hard links, a name found free is renamed to.
 * False when the name was taken. The folder is not fsynced here.
 */
export async function placeNew(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_LINKS.has(code)) throw error;
  }
  if (await exists(path)) return false;
  await rename(temp, path);
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
