import { expect } from 'chai';
import { AlertRulesSchema } from '../../src/core/alert-settings.js';
import { advanceStreak } from '../../src/alerts/ers-streak.js';
import type { ChannelFacts, Snapshot } from '../../src/alerts/facts.js';
import { reconcile } from '../../src/alerts/incidents.js';
import { backoffMs, nextSendAt } from '../../src/alerts/pacing.js';
import { findings } from '../../src/alerts/rules.js';
import type { Finding, Incident } from '../../src/alerts/types.js';
import { silentInWorkingHours } from '../../src/alerts/working-hours.js';
import { AlertDeliverySchema, WorkingHoursSchema } from '../../src/core/alert-settings.js';

const finding = (subject: string, summary = `queue on ${subject}`): Finding => ({
  rule: 'queueDepth',
  subject,
  severity: 'warning',
  summary,
});

const run = (
  open: ReadonlyMap<string, Incident>,
  list: Finding[],
  now: number,
  clearAfterChecks = 2,
) => reconcile(open, list, { now, clearAfterChecks });

describe('alert incidents', () => {
  it('opens one incident per rule and subject, and says so once while it holds', () => {
    const first = run(new Map(), [finding('a'), finding('a'), finding('b')], 1000);
    expect(first.notices.map((n) => `${n.kind} ${n.incident.subject}`)).to.deep.equal([
      'opened a',
      'opened b',
    ]);
    const second = run(first.open, [finding('a', 'queue on a: 900'), finding('b')], 2000);
    expect(second.notices).to.deep.equal([]);
    expect(second.open.get('queueDepth:a')?.summary).to.equal('queue on a: 900');
    expect(second.open.get('queueDepth:a')?.openedAt).to.equal(1000);
  });

  it('recovers only after the finding is absent clearAfterChecks checks in a row', () => {
    const opened = run(new Map(), [finding('a')], 1000);
    const missedOnce = run(opened.open, [], 2000);
    expect(missedOnce.notices).to.deep.equal([]);
    const back = run(missedOnce.open, [finding('a')], 3000);
    expect(back.notices).to.deep.equal([]);
    const gone = run(run(back.open, [], 4000).open, [], 5000);
    expect(gone.notices.map((n) => n.kind)).to.deep.equal(['recovered']);
    expect(gone.closed[0]?.closedAt).to.equal(5000);
    expect(gone.open.size).to.equal(0);
  });
});

describe('alert delivery pacing', () => {
  const policy = AlertDeliverySchema.parse({
    minIntervalMs: 60_000,
    maxPerHour: 3,
    retryDelayMs: 1000,
    maxRetryDelayMs: 5000,
  });

  it('doubles the wait after each failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy))).to.deep.equal([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('keeps deliveries minIntervalMs apart and at most maxPerHour in a rolling hour', () => {
    const now = 10_000_000;
    expect(nextSendAt({ sentAt: [], failures: 0, lastAttemptAt: null }, now, policy)).to.equal(now);
    expect(
      nextSendAt({ sentAt: [now - 1000], failures: 0, lastAttemptAt: now - 1000 }, now, policy),
    ).to.equal(now + 59_000);
    const three = [now - 3_000_000, now - 2_000_000, now - 1_000_000];
    expect(nextSendAt({ sentAt: three, failures: 0, lastAttemptAt: null }, now, policy)).to.equal(
      now - 3_000_000 + 3_600_000,
    );
  });

  it('waits out the back-off of a failing receiver', () => {
    const now = 10_000_000;
    const pace = { sentAt: [], failures: 3, lastAttemptAt: now - 1000 };
    expect(nextSendAt(pace, now, policy)).to.equal(now + 3000);
  });
});

describe('alert rules', () => {
  const rules = AlertRulesSchema.parse({});
  const channel = (over: Partial<ChannelFacts>): ChannelFacts => ({
    id: 'pas-inbound',
    sourceType: 'mllp',
    state: 'STARTED',
    lastError: null,
    counts: {},
    recentErrors: 0,
    waitingTooLong: 0,
    lastReceivedAt: null,
    ...over,
  });
  const snapshot = (over: Partial<Snapshot>): Snapshot => ({
    now: Date.parse('2026-12-07T10:00:00Z'), // a Monday, 10:00 in London
    channels: [],
    configProblems: [],
    folders: [],
    ersAuth: { streak: 0, statuses: [] },
    expiries: [],
    ...over,
  });

  it('finds errors, people-waiting, depth and age per channel at their thresholds', () => {
    const found = findings(
      snapshot({
        channels: [
          channel({
            recentErrors: 5,
            counts: { DEAD: 1, NEEDS_REVIEW: 2, QUEUED: 500 },
            waitingTooLong: 3,
            lastReceivedAt: Date.parse('2026-12-07T09:59:00Z'),
          }),
          channel({ id: 'quiet', recentErrors: 4, counts: { QUEUED: 499 }, lastReceivedAt: 1 }),
        ],
      }),
      { ...rules, silence: false },
    );
    expect(found.map((f) => `${f.rule} ${f.subject}`)).to.deep.equal([
      'errors pas-inbound',
      'unresolved pas-inbound',
      'queueDepth pas-inbound',
      'queueAge pas-inbound',
    ]);
    expect(found[1]?.severity).to.equal('critical');
  });

  it('finds a channel that could not start, naming why', () => {
    const failed = channel({ state: 'FAILED', lastError: 'port 2575 is in use' });
    expect(findings(snapshot({ channels: [failed] }), rules).map((f) => f.summary)).to.deep.equal([
      'channel pas-inbound is not running: port 2575 is in use',
    ]);
  });

  it('finds a silent MLLP channel in working hours only, an hour into the working day', () => {
    const silent = channel({ lastReceivedAt: Date.parse('2026-12-07T08:30:00Z') });
    const at = (iso: string) =>
      findings(snapshot({ now: Date.parse(iso), channels: [silent] }), rules);
    expect(at('2026-12-07T10:00:00Z').map((f) => f.rule)).to.deep.equal(['silence']);
    // Saturday, and Monday 08:40 (under an hour into the day): not silence.
    expect(at('2026-12-12T10:00:00Z')).to.deep.equal([]);
    const early = channel({ lastReceivedAt: Date.parse('2026-12-04T17:00:00Z') });
    expect(
      findings(snapshot({ now: Date.parse('2026-12-07T08:40:00Z'), channels: [early] }), rules),
    ).to.deep.equal([]);
  });

  it('follows British Summer Time for working hours', () => {
    const hours = WorkingHoursSchema.parse({ from: '08:00', to: '18:00' });
    // 17:30 UTC on a July Monday is 18:30 in London: outside working hours.
    const july = Date.parse('2026-07-06T17:30:00Z');
    expect(silentInWorkingHours({ now: july, lastReceivedAt: null, minutes: 60, hours })).to.equal(
      false,
    );
    const december = Date.parse('2026-12-07T17:30:00Z');
    expect(
      silentInWorkingHours({ now: december, lastReceivedAt: null, minutes: 60, hours }),
    ).to.equal(true);
  });

  it('counts e-RS 401/403/429 answers in a row and starts again after any other answer', () => {
    const start = { cursor: 0, streak: 0, statuses: [] };
    const s1 = advanceStreak(start, [
      { at: 1, status: 401 },
      { at: 2, status: 200 },
      { at: 3, status: 403 },
      { at: 4, status: 429 },
    ]);
    expect(s1).to.deep.equal({ cursor: 4, streak: 2, statuses: [403, 429] });
    const s2 = advanceStreak(s1, [{ at: 5, status: 401 }]);
    expect(s2.streak).to.equal(3);
    const found = findings(snapshot({ ersAuth: { streak: 3, statuses: s2.statuses } }), rules);
    expect(found.map((f) => f.summary)).to.deep.equal([
      'the last 3 e-RS calls were refused (403×1, 429×1, 401×1): check the token, role and ASID',
    ]);
  });
});
