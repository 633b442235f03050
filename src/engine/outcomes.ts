import type { MessageOutcome } from '../core/plugins.js';

/** Told when the first wait for a message begins and when its last wait ends (a processing
 * thread reads outcomes back only for watched ids, decision 170). */
export interface OutcomeWatch {
  watch(id: number): void;
  unwatch(id: number): void;
}

/** Where finished messages report their outcome: the OutcomeWaiters of the sources' thread, or
 * (on a processing thread) a forwarder to them. */
export interface OutcomeSink {
  isWaitedFor(id: number): boolean;
  settle(outcome: MessageOutcome): void;
}

/** Callers waiting for a message's final outcome (application ACKs), resolved by the workers. */
export class OutcomeWaiters implements OutcomeSink {
  private readonly waiting = new Map<number, Set<(o: MessageOutcome) => void>>();

  constructor(private readonly watcher?: OutcomeWatch) {}

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
      let set = this.waiting.get(id);
      if (set === undefined) {
        set = new Set();
        this.waiting.set(id, set);
        this.watcher?.watch(id);
      }
      const waiters = set;
      const done = (o: MessageOutcome | undefined): void => {
        if (o?.status === 'QUEUED' && options.untilQueued !== true) return;
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(id) === waiters) {
          this.waiting.delete(id);
          this.watcher?.unwatch(id);
        }
        resolve(o);
      };
      const timer = setTimeout(() => {
        done(undefined);
      }, timeoutMs);
      // A wait (an MLLP late reply may follow for a day) never keeps a stopping process alive.
      timer.unref();
      waiters.add(done);
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
