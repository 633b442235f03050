import type { MessageOutcome } from '../core/plugins.js';

/** Callers waiting for a message's final outcome (application ACKs), resolved by the workers. */
export class OutcomeWaiters {
  private readonly waiting = new Map<number, Set<(o: MessageOutcome) => void>>();

  /**
   * Resolves with the final outcome, or undefined after timeoutMs. With `untilQueued` a QUEUED
   * message (a transient failure waiting for its retry) resolves the wait too: an MLLP source
   * answers its interim ACK at once rather than after the whole timeout.
   */
  wait(
    id: number,
    timeoutMs: number,
    options: { untilQueued?: boolean } = {},
  ): Promise<MessageOutcome | undefined> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, set);
      const done = (o: MessageOutcome | undefined): void => {
        if (o?.status === 'QUEUED' && options.untilQueued !== true) return;
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(id);
        resolve(o);
      };
      const timer = setTimeout(() => {
        done(undefined);
      }, timeoutMs);
      // A wait (an MLLP late reply may follow for a day) never keeps a stopping process alive.
      timer.unref();
      set.add(done);
    });
  }

  /** Whether anyone waits for this message, so the outcome is only read when it is wanted. */
  isWaitedFor(id: number): boolean {
    return this.waiting.has(id);
  }

  settle(outcome: MessageOutcome): void {
    for (const resolve of [...(this.waiting.get(outcome.id) ?? [])]) resolve(outcome);
  }
}
