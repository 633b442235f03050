import { link, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { folderSyncs } from '../../core/folder-sync.js';
import { tempPathFor } from '../../core/atomic-write.js';

/** Folders made (or found) by this process: a mkdir per file was 3% of the engine's CPU
 * (decision 140). One deleted since is made again when opening a temp file says ENOENT. */
const madeFolders = new Set<string>();

/** Makes `folder` unless this process already made or found it. */
export async function ensureFolder(folder: string): Promise<void> {
  if (madeFolders.has(folder)) return;
  await mkdir(folder, { recursive: true });
  madeFolders.add(folder);
}

async function openTemp(path: string): Promise<FileHandle> {
  const folder = dirname(path);
  await ensureFolder(folder);
  try {
    return await open(path, 'w');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(folder, { recursive: true });
    return await open(path, 'w');
  }
}

/** Writes and fsyncs `bytes` as a temp file beside `target`; removes it again on failure. */
export async function writeDurableTemp(target: string, bytes: Uint8Array): Promise<string> {
  const temp = tempPathFor(target);
  try {
    const handle = await openTemp(temp);
    try {
      await handle.writeFile(bytes);
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
  const temp = await writeDurableTemp(path, bytes);
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
