import { incidentKey, type Finding, type Incident, type Notice } from './types.js';

export interface Reconciled {
  /** Open incidents by `<rule>:<subject>` after this check. */
  readonly open: ReadonlyMap<string, Incident>;
  /** Incidents that recovered at this check. */
  readonly closed: readonly Incident[];
  /** One `opened` per new incident, one `recovered` per cleared one; nothing for the rest. */
  readonly notices: readonly Notice[];
}

/**
 * Pure: folds one check's findings into the open incidents. A finding already open only refreshes
 * its summary (no notice: one alert per incident); an open incident whose finding is absent
 * `clearAfterChecks` checks in a row recovers, so a value hovering at a threshold does not
 * alternate open/recovered at every check.
 */
export function reconcile(
  open: ReadonlyMap<string, Incident>,
  findings: readonly Finding[],
  options: { now: number; clearAfterChecks: number },
): Reconciled {
  const { now } = options;
  const next = new Map<string, Incident>();
  const notices: Notice[] = [];
  const closed: Incident[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const key = incidentKey(f.rule, f.subject);
    if (seen.has(key)) continue;
    seen.add(key);
    const was = open.get(key);
    if (was !== undefined) {
      next.set(key, {
        ...was,
        summary: f.summary,
        severity: f.severity,
        lastSeenAt: now,
        missedChecks: 0,
      });
      continue;
    }
    const incident: Incident = {
      id: `${key}:${now}`,
      rule: f.rule,
      subject: f.subject,
      severity: f.severity,
      summary: f.summary,
      openedAt: now,
      lastSeenAt: now,
      closedAt: null,
      missedChecks: 0,
    };
    next.set(key, incident);
    notices.push({ kind: 'opened', incident, at: now });
  }
  for (const [key, was] of open) {
    if (seen.has(key)) continue;
    const missed = was.missedChecks + 1;
    if (missed < options.clearAfterChecks) {
      next.set(key, { ...was, missedChecks: missed });
      continue;
    }
    const done: Incident = { ...was, missedChecks: missed, closedAt: now };
    closed.push(done);
    notices.push({ kind: 'recovered', incident: done, at: now });
  }
  return { open: next, closed, notices };
}
