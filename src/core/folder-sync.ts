import { open } from 'node:fs/promises';

/** Windows cannot open a folder to fsync it (and NTFS journals renames itself). */
export const FOLDERS_SYNC = process.platform !== 'win32';

async function fsyncFolder(folder: string): Promise<void> {
  if (!FOLDERS_SYNC) return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Folder fsyncs shared the way the store shares commits: a caller whose rename has finished
 * needs an fsync of the folder that *starts* after it. When none is running, one starts now;
 * while one runs (it may have started before the rename), every caller waits for the single next
 * one. So a batch of files written together costs one folder fsync, not one each (decision 140:
 * a worker's batch of 16 files finishes together).
 */
export class FolderSyncs {
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();

  constructor(private readonly fsync: (folder: string) => Promise<void> = fsyncFolder) {}

  sync(folder: string): Promise<void> {
    // A queued fsync has not started yet, so it starts after this caller's rename too.
    const queued = this.queued.get(folder);
    if (queued !== undefined) return queued;
    const running = this.running.get(folder);
    if (running === undefined) return this.start(folder);
    // Whether the running fsync fails or not, the next one is the one to report.
    const next = running
      .catch(() => undefined)
      .then(() => {
        this.queued.delete(folder);
        return this.start(folder);
      });
    this.queued.set(folder, next);
    return next;
  }

  private start(folder: string): Promise<void> {
    const started = this.fsync(folder).finally(() => {
      if (this.running.get(folder) === started) this.running.delete(folder);
    });
    this.running.set(folder, started);
    return started;
  }
}

/** One per process: the file destination's groups and every atomic write share a folder's fsyncs. */
export const folderSyncs = new FolderSyncs();
