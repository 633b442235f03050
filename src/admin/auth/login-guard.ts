/**
 * Lock-out policy: after `maxFailures` failed logins for one user name within `windowMs`, the
 * name is locked for `lockMs` (even the right password is refused meanwhile). Keyed by name,
 * not address, so a spray from many addresses still locks; the per-address rate limit in
 * front of the login route handles the other side.
 */
export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

interface Record {
  failures: number[];
  lockedUntil: number;
}

export class LoginGuard {
  private readonly records = new Map<string, Record>();

  constructor(private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT) {}

  /** Epoch ms until which the name is locked, or undefined when it may try. */
  lockedUntil(name: string, now: number): number | undefined {
    const r = this.records.get(name);
    return r && r.lockedUntil > now ? r.lockedUntil : undefined;
  }

  /** Records a failure; returns true when this failure locked the name. */
  fail(name: string, now: number): boolean {
    const r = this.records.get(name) ?? { failures: [], lockedUntil: 0 };
    r.failures = [...r.failures.filter((t) => now - t < this.policy.windowMs), now];
    const locks = r.failures.length >= this.policy.maxFailures;
    if (locks) {
      r.lockedUntil = now + this.policy.lockMs;
      r.failures = [];
    }
    this.records.set(name, r);
    return locks;
  }

  succeed(name: string): void {
    this.records.delete(name);
  }
}
