/**
 * One engine per drop folder: a lock file created exclusively (O_EXCL, which SMB and NFSv3+ honour)
 * and kept fresh by a heartbeat. A lock is stale when its heartbeat stopped, or when it names a
 * process on this host that is gone (a SIGKILLed engine is replaced at once on its own host).
 * Engines of one cluster (one shared PostgreSQL store) share a folder: claims are atomic renames
 * and dedup is cluster-wide, so the lock only keeps out engines with another store.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../core/errors.js';

export const LOCK_FILE = '.ers-bridge.lock';

export interface LockOwner {
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly channel: string;
  readonly since: string;
  /** The shared store's key: engines holding the same one share the folder. */
  readonly share?: string;
}

export interface FolderLock {
  /** False once another engine holds the folder (the lock was taken over or removed). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Pure but for the process check: may this lock be taken over? */
export function isStale(
  owner: LockOwner | undefined,
  heartbeatAgeMs: number,
  staleMs: number,
): boolean {
  if (owner === undefined) return true;
  if (heartbeatAgeMs > staleMs) return true;
  return owner.host === hostname() && !alive(owner.pid);
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    // Half-written or unreadable: judged by its age alone.
    return undefined;
  }
}

/**
 * Takes the folder's lock or throws SOURCE_FOLDER_LOCKED naming the holder. The heartbeat
 * touches the file every `heartbeatMs`; another engine takes a lock over after `staleMs` without.
 */
export async function lockFolder(options: {
  readonly folder: string;
  readonly channel: string;
  readonly heartbeatMs: number;
  readonly staleMs: number;
  /** Set for a store several engines share (sharedStoreKey): such engines share the folder. */
  readonly share?: string;
}): Promise<FolderLock> {
  const path = join(options.folder, LOCK_FILE);
  const me: LockOwner = {
    token: randomUUID(),
    host: hostname(),
    pid: process.pid,
    channel: options.channel,
    since: new Date().toISOString(),
    ...(options.share === undefined ? {} : { share: options.share }),
  };
  /** The lock file names my cluster (or me): this engine may go on scanning. */
  const ours = (owner: LockOwner | undefined): boolean =>
    owner?.token === me.token || (me.share !== undefined && owner?.share === me.share);
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
    }
    const holder = await readOwner(path);
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (!isStale(holder, age, options.staleMs)) {
      // Another engine of the same cluster: join it (the heartbeat below keeps the lock fresh
      // while any of us runs).
      if (ours(holder)) break;
      throw new EngineError(
        'SOURCE_FOLDER_LOCKED',
        `drop folder ${options.folder} is in use by another engine (${holder?.host ?? '?'} pid ${holder?.pid ?? '?'}, channel ${holder?.channel ?? '?'}, since ${holder?.since ?? '?'}); stop that one, or give this channel another folder`,
        { context: { folder: options.folder } },
      );
    }
    // Only the stale lock we judged is removed; if another engine replaced it meanwhile, the
    // exclusive create below fails and its lock is judged afresh.
    const again = await readOwner(path);
    if (again?.token === holder?.token) await rm(path, { force: true });
  }
  const timer = setInterval(() => {
    void utimes(path, new Date(), new Date()).catch(() => undefined);
  }, options.heartbeatMs);
  timer.unref();
  return {
    async stillHeld() {
      try {
        return ours(JSON.parse(await readFile(path, 'utf8')) as LockOwner);
      } catch (error) {
        // Removed by hand: taken again. A read that fails on a flaky share, or a half-written
        // file, says nothing about who holds the folder: keep going, the next scan asks again.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return true;
        return writeFile(path, JSON.stringify(me), { flag: 'wx' }).then(
          () => true,
          () => false,
        );
      }
    },
    async release() {
      clearInterval(timer);
      if ((await readOwner(path))?.token === me.token) await rm(path, { force: true });
    },
  };
}

/**
 * Pure: the key of a store several engines share (PostgreSQL: host, port and database, never the
 * password), or undefined for a store of one engine (SQLite).
 */
export function sharedStoreKey(store: string): string | undefined {
  if (!/^postgres(ql)?:\/\//.test(store)) return undefined;
  const url = new URL(store);
  const where = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  return createHash('sha256').update(where).digest('hex').slice(0, 16);
}
