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
 * messages a consumer has not read yet). The temp file is hard-linked to the name, which fails
 * when the name exists; where the file system has no hard links, a name found free is renamed to.
 * Returns the name used, durable (file and folder fsynced) when it resolves.
 */
export async function writeNewFile(path: string, bytes: Uint8Array): Promise<string> {
  const temp = await inFolder(dirname(path), () => writeDurableTemp(path, bytes));
  try {
    const used = await placeWithoutReplacing(temp, path);
    await folderSyncs.sync(dirname(used));
    return used;
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

async function placeWithoutReplacing(temp: string, path: string): Promise<string> {
  let links = true;
  for (let n = 0; n < 10_000; n++) {
    const candidate = alternativeName(path, n);
    if (links) {
      try {
        await link(temp, candidate);
        return candidate;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (code === 'EEXIST') continue;
        if (!NO_LINKS.has(code)) throw error;
        links = false;
      }
    }
    if (await exists(candidate)) continue;
    await rename(temp, candidate);
    return candidate;
  }
  throw new Error(`no free name beside ${basename(path)} after 10,000 tries`);
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
