import type { AlertRules } from '../core/alert-settings.js';
import type { ChannelFacts, Snapshot } from './facts.js';
import { silentInWorkingHours } from './working-hours.js';
import type { Finding } from './types.js';

const DAY_MS = 86_400_000;

const watched = (c: ChannelFacts, only: readonly string[] | undefined): boolean =>
  only === undefined || only.includes(c.id);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Pure: every rule's findings for one snapshot. Summaries hold counts and names only. */
export function findings(snapshot: Snapshot, rules: AlertRules): Finding[] {
  return [
    ...channelFindings(snapshot, rules),
    ...configFindings(snapshot, rules),
    ...folderFindings(snapshot, rules),
    ...ersFindings(snapshot, rules),
    ...expiryFindings(snapshot, rules),
  ];
}

function channelFindings(snapshot: Snapshot, rules: AlertRules): Finding[] {
  const out: Finding[] = [];
  for (const c of snapshot.channels) {
    const { errors, unresolved, queueDepth, queueAge, silence } = rules;
    if (errors !== false && watched(c, errors.channels) && c.recentErrors >= errors.threshold)
      out.push({
        rule: 'errors',
        subject: c.id,
        severity: 'warning',
        summary: `${plural(c.recentErrors, 'message')} in ERROR or DEAD received in the last ${errors.windowMinutes} min on channel ${c.id} (threshold ${errors.threshold})`,
      });
    const waiting = (c.counts.DEAD ?? 0) + (c.counts.NEEDS_REVIEW ?? 0);
    if (unresolved !== false && watched(c, unresolved.channels) && waiting >= unresolved.threshold)
      out.push({
        rule: 'unresolved',
        subject: c.id,
        severity: (c.counts.NEEDS_REVIEW ?? 0) > 0 ? 'critical' : 'warning',
        summary: `channel ${c.id}: ${c.counts.DEAD ?? 0} DEAD and ${c.counts.NEEDS_REVIEW ?? 0} NEEDS_REVIEW messages wait for a person`,
      });
    const depth = (c.counts.RECEIVED ?? 0) + (c.counts.TRANSFORMED ?? 0) + (c.counts.QUEUED ?? 0);
    if (queueDepth !== false && watched(c, queueDepth.channels) && depth >= queueDepth.threshold)
      out.push({
        rule: 'queueDepth',
        subject: c.id,
        severity: 'warning',
        summary: `channel ${c.id}: ${plural(depth, 'message')} waiting for a worker (threshold ${queueDepth.threshold})`,
      });
    if (queueAge !== false && watched(c, queueAge.channels) && c.waitingTooLong > 0)
      out.push({
        rule: 'queueAge',
        subject: c.id,
        severity: 'warning',
        summary: `channel ${c.id}: ${plural(c.waitingTooLong, 'message')} received over ${queueAge.minutes} min ago still waiting`,
      });
    if (rules.channelFailed && c.state === 'FAILED')
      out.push({
        rule: 'channelFailed',
        subject: c.id,
        severity: 'critical',
        summary: `channel ${c.id} is not running: ${(c.lastError ?? 'failed to start').slice(0, 300)}`,
      });
    const silenceWatched =
      silence !== false &&
      (silence.channels === undefined ? c.sourceType === 'mllp' : silence.channels.includes(c.id));
    if (
      silence !== false &&
      silenceWatched &&
      c.state === 'STARTED' &&
      silentInWorkingHours({
        now: snapshot.now,
        lastReceivedAt: c.lastReceivedAt,
        minutes: silence.minutes,
        hours: silence.hours,
      })
    )
      out.push({
        rule: 'silence',
        subject: c.id,
        severity: 'warning',
        summary: `channel ${c.id}: nothing received for over ${silence.minutes} min in working hours`,
      });
  }
  return out;
}

function configFindings(snapshot: Snapshot, rules: AlertRules): Finding[] {
  if (!rules.reloadRefused) return [];
  return snapshot.configProblems.map((p) => ({
    rule: 'reloadRefused',
    subject: p.channel ?? p.file,
    severity: 'critical',
    summary: `${p.channel === null ? 'channel file refused' : `reload of channel ${p.channel} refused, previous version kept`}: ${p.errors.join('; ').slice(0, 500)}`,
  }));
}

function folderFindings(snapshot: Snapshot, rules: AlertRules): Finding[] {
  if (rules.files === false) return [];
  const out: Finding[] = [];
  for (const f of snapshot.folders) {
    for (const s of f.stuck)
      out.push({
        rule: 'fileStuck',
        subject: `${f.channel}/${s.name}`,
        severity: 'warning',
        summary: `channel ${f.channel}: file ${s.name} not processed for ${Math.floor(s.ageMs / 60_000)} min`,
      });
    for (const r of f.rejected)
      out.push({
        rule: 'fileRejected',
        subject: `${f.channel}/${r.name}`,
        severity: 'warning',
        summary: `channel ${f.channel}: file ${r.name} moved to error/ (see ${r.name}.errors.csv)`,
      });
  }
  return out;
}

function ersFindings(snapshot: Snapshot, rules: AlertRules): Finding[] {
  if (rules.ersAuth === false || snapshot.ersAuth.streak < rules.ersAuth.streak) return [];
  const counts = new Map<number, number>();
  for (const s of snapshot.ersAuth.statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const detail = [...counts].map(([s, n]) => `${s}×${n}`).join(', ');
  const throttled = snapshot.ersAuth.statuses.every((s) => s === 429);
  return [
    {
      rule: 'ersAuth',
      subject: 'e-RS',
      severity: 'critical',
      summary: `the last ${snapshot.ersAuth.streak} e-RS calls were refused (${detail}): ${throttled ? 'throttled' : 'check the token, role and ASID'}`,
    },
  ];
}

function expiryFindings(snapshot: Snapshot, rules: AlertRules): Finding[] {
  if (rules.expiry === false) return [];
  const limit = snapshot.now + rules.expiry.days * DAY_MS;
  return snapshot.expiries
    .filter((e) => e.expiresAt <= limit)
    .map((e) => {
      const days = Math.floor((e.expiresAt - snapshot.now) / DAY_MS);
      const when = e.expiresAt <= snapshot.now ? 'has expired' : `expires in ${days} days`;
      return {
        rule: 'expiry',
        subject: e.subject,
        severity: e.expiresAt - snapshot.now < 2 * DAY_MS ? 'critical' : 'warning',
        summary: `${e.kind} ${e.subject} ${when} (${new Date(e.expiresAt).toISOString()})`,
      };
    });
}
