import type { MessageOutcome } from './plugins.js';

/** Callers waiting for a message's final outcome (application ACKs), resolved by the workers. */
export class OutcomeWaiters {
  private readonly waiting = new Map<number, Set<(o: MessageOutcome) => void>>();

  wait(id: number, timeoutMs: number): Promise<MessageOutcome | undefined> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, set);
      const done = (o: MessageOutcome | undefined): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(id);
        resolve(o);
      };
      const timer = setTimeout(() => {
        done(undefined);
      }, timeoutMs);
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
