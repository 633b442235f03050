import { expect } from 'chai';
import { backoffDelayMs, decideOnFailure } from '../../src/engine/retry-policy.js';

const policy = {
  maxAttempts: 4,
  initialDelayMs: 1000,
  maxDelayMs: 5000,
  multiplier: 2,
  jitterRatio: 0.2,
};
const noJitter = (): number => 0.5;

describe('engine: retry policy', () => {
  it('doubles the delay per attempt up to the maximum', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, policy, noJitter))).to.deep.equal([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('spreads delays by at most the jitter ratio', () => {
    expect(backoffDelayMs(1, policy, () => 0)).to.equal(800);
    expect(backoffDelayMs(1, policy, () => 1)).to.equal(1200);
  });

  it('queues a transient failure until attempts are exhausted, then declares it DEAD', () => {
    expect(
      decideOnFailure({ retry: 'transient', attempts: 1, policy, now: 0, random: noJitter }),
    ).to.deep.equal({ status: 'QUEUED', nextAttemptAt: 1000 });
    expect(decideOnFailure({ retry: 'transient', attempts: 4, policy, now: 0 })).to.deep.equal({
      status: 'DEAD',
    });
  });

  it('honours a Retry-After later than the backoff', () => {
    expect(
      decideOnFailure({
        retry: 'transient',
        attempts: 1,
        policy,
        now: 0,
        retryAfterMs: 30_000,
        random: noJitter,
      }).nextAttemptAt,
    ).to.equal(30_000);
  });

  it('never retries an ambiguous or permanent failure', () => {
    expect(decideOnFailure({ retry: 'ambiguous', attempts: 1, policy, now: 0 }).status).to.equal(
      'NEEDS_REVIEW',
    );
    expect(decideOnFailure({ retry: 'permanent', attempts: 1, policy, now: 0 }).status).to.equal(
      'ERROR',
    );
  });
});
