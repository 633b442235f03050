import { closeSync, existsSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import { EngineError } from '../../core/errors.js';
import { SyncSchedule } from './sync-schedule.js';

/** Syncs in flight at once (decision 210: an ACK then waits for about one flush). */
export const WAL_SYNCS_IN_FLIGHT = 3;

/** Test-only hooks: hold each fdatasync until a file exists (a gate the test opens), and log
 * what the writer did, in order. */
export interface SyncTestHooks {
  readonly gateFile?: string;
  readonly log?: boolean;
}

/** What the writer did, in order: for the test that no reply goes out before a covering sync. */
export type SyncLogEntry =
  | { readonly e: 'exec'; readonly seq: number; readonly committed: number }
  | { readonly e: 'start'; readonly covers: number }
  | { readonly e: 'end'; readonly covers: number }
  | { readonly e: 'send'; readonly seq: number };

/**
 * Makes the writer's commits durable with `fdatasync` of the `-wal` file on the libuv pool, so
 * the writer keeps committing the next requests while the disk flushes, and holds every reply
 * until a sync that started after its commit has finished (SyncSchedule). A failed sync fails
 * every held reply and every later request: after a failed fdatasync the kernel may have dropped
 * the dirty pages, so nothing written since can be promised again without a restart.
 */
export class WalSyncer<R extends { readonly seq: number }> {
  private readonly schedule = new SyncSchedule<R>(WAL_SYNCS_IN_FLIGHT);
  private fd: number;
  private identity: { dev: number; ino: number };
  private failure: EngineError | undefined;
  private closed = false;
  private readonly log: SyncLogEntry[] | undefined;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly walPath: string,
    private readonly send: (replies: R[]) => void,
    private readonly fail: (replies: R[], error: EngineError) => void,
    private readonly hooks: SyncTestHooks = {},
  ) {
    this.fd = openWal(walPath);
    this.identity = fdIdentity(this.fd);
    this.log = hooks.log === true ? [] : undefined;
  }

  /** Why writes are refused, once a sync failed. */
  broken(): EngineError | undefined {
    return this.failure;
  }

  /** A request ran (`commits`: whether it may have committed); its reply waits for a sync. */
  executed(reply: R, commits: boolean): void {
    if (commits) this.schedule.commit();
    this.log?.push({ e: 'exec', seq: reply.seq, committed: this.schedule.state().committed });
    this.out(this.schedule.reply(reply));
    this.pump();
  }

  syncLog(): readonly SyncLogEntry[] {
    return this.log ?? [];
  }

  /** Runs `then` once every held reply is sent and no sync is in flight. */
  whenIdle(then: () => void): void {
    if (this.schedule.idle() || this.failure !== undefined) then();
    else this.onIdle = then;
  }

  close(): void {
    this.closed = true;
    closeSync(this.fd);
  }

  private out(replies: R[]): void {
    if (replies.length === 0) return;
    for (const r of replies) this.log?.push({ e: 'send', seq: r.seq });
    this.send(replies);
  }

  private pump(): void {
    while (this.failure === undefined && this.schedule.wantsSync()) {
      let fd: number;
      try {
        fd = this.currentFd();
      } catch (error) {
        this.broke(error);
        return;
      }
      const covers = this.schedule.started();
      this.log?.push({ e: 'start', covers });
      const run = (): void => {
        fdatasync(fd, (error) => {
          this.synced(covers, error);
        });
      };
      const gate = this.hooks.gateFile;
      if (gate === undefined) run();
      else waitForFile(gate, run);
    }
    this.checkIdle();
  }

  private synced(covers: number, error: NodeJS.ErrnoException | null): void {
    if (this.failure !== undefined) return;
    if (error !== null) {
      this.broke(error);
      return;
    }
    this.log?.push({ e: 'end', covers });
    this.out(this.schedule.finished(covers));
    this.pump();
  }

  /** The fd of the WAL the path names now: reopened if SQLite replaced the file; a missing WAL
   * is an error (commits went somewhere this sync would not cover). */
  private currentFd(): number {
    if (this.closed) throw new Error('the WAL syncer is closed');
    let now: { dev: number; ino: number };
    try {
      const s = statSync(this.walPath);
      now = { dev: s.dev, ino: s.ino };
    } catch (error) {
      throw new EngineError(
        'STORE_UNAVAILABLE',
        `the store's WAL file ${this.walPath} is gone: commits since the last sync cannot be made durable`,
        { cause: error },
      );
    }
    if (now.dev !== this.identity.dev || now.ino !== this.identity.ino) {
      closeSync(this.fd);
      this.fd = openWal(this.walPath);
      this.identity = fdIdentity(this.fd);
    }
    return this.fd;
  }

  private broke(error: unknown): void {
    this.failure =
      error instanceof EngineError
        ? error
        : new EngineError(
            'STORE_UNAVAILABLE',
            `syncing the store's WAL failed: ${error instanceof Error ? error.message : String(error)}; restart the engine`,
            { cause: error },
          );
    this.fail(this.schedule.failAll(), this.failure);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.onIdle === undefined) return;
    if (!this.schedule.idle() && this.failure === undefined) return;
    const then = this.onIdle;
    this.onIdle = undefined;
    then();
  }
}

function openWal(walPath: string): number {
  try {
    // Read-write: fdatasync needs no write access on Linux, but other systems may refuse it.
    return openSync(walPath, 'r+');
  } catch (error) {
    throw new EngineError(
      'STORE_UNAVAILABLE',
      `cannot open the store's WAL file ${walPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function fdIdentity(fd: number): { dev: number; ino: number } {
  const s = fstatSync(fd);
  return { dev: s.dev, ino: s.ino };
}

/** Test hook: calls `then` once `file` exists (polled; only tests set a gate). */
function waitForFile(file: string, then: () => void): void {
  if (existsSync(file)) then();
  else
    setTimeout(() => {
      waitForFile(file, then);
    }, 5);
}
