import type { MessageStore } from '../../core/store-types.js';

/**
 * The ids of messages whose sender got the interim answer and whose application ACK is still to
 * go out, kept in one store checkpoint per channel so a restart picks them up again. Updates are
 * serialised here: the checkpoint is read, changed and written by one writer at a time.
 */
export class PendingLateReplies {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: MessageStore,
    channelId: string,
  ) {
    this.key = `mllp-late-replies:${channelId}`;
  }

  private readonly key: string;

  /** Durable before the interim answer is written, so a crash right after it loses nothing. */
  add(id: number): Promise<void> {
    return this.update((ids) => (ids.includes(id) ? ids : [...ids, id]));
  }

  remove(id: number): Promise<void> {
    return this.update((ids) => ids.filter((x) => x !== id));
  }

  async list(): Promise<number[]> {
    await this.chain.catch(() => undefined);
    return this.read();
  }

  private async read(): Promise<number[]> {
    const value = await this.store.getCheckpoint(this.key);
    return Array.isArray(value) ? value.filter((x): x is number => typeof x === 'number') : [];
  }

  private update(change: (ids: number[]) => number[]): Promise<void> {
    const run = this.chain
      .catch(() => undefined)
      .then(async () => {
        const before = await this.read();
        const after = change(before);
        if (after.length === before.length && after.every((x, i) => x === before[i])) return;
        if (after.length === 0) await this.store.deleteCheckpoint(this.key);
        else await this.store.setCheckpoint(this.key, after);
      });
    this.chain = run;
    return run;
  }
}
