import type { Incident, Notice } from './types.js';

/** The incident as receivers get it (JSON): names, counts and times, never message content. */
export function incidentJson(i: Incident): Record<string, unknown> {
  return {
    id: i.id,
    rule: i.rule,
    subject: i.subject,
    severity: i.severity,
    summary: i.summary,
    openedAt: new Date(i.openedAt).toISOString(),
    closedAt: i.closedAt === null ? null : new Date(i.closedAt).toISOString(),
  };
}

const line = (n: Notice): string =>
  `${n.kind === 'opened' ? 'OPENED' : 'RECOVERED'} [${n.incident.severity}] ${n.incident.rule} ${n.incident.subject}: ${n.incident.summary}`;

/** Pure: the subject line of an email (or a chat message's first line) for one batch. */
export function subjectOf(batch: readonly Notice[], instance: string): string {
  const [only] = batch;
  if (batch.length === 1 && only !== undefined)
    return `[ers-bridge ${instance}] ${only.kind === 'opened' ? 'ALERT' : 'RECOVERED'}: ${only.incident.rule} ${only.incident.subject}`;
  const opened = batch.filter((n) => n.kind === 'opened').length;
  return `[ers-bridge ${instance}] ${batch.length} alerts: ${opened} opened, ${batch.length - opened} recovered`;
}

/** Pure: the plain-text body; `dropped` counts notices lost to a full queue. */
export function textOf(batch: readonly Notice[], dropped: number): string {
  const lines = batch.map(line);
  if (dropped > 0) lines.push(`(${dropped} earlier notices were dropped: the queue was full)`);
  lines.push('', 'Open incidents and history: the dashboard Alerts page, or GET /api/alerts.');
  return lines.join('\n');
}

/** Pure: the webhook body. `text` makes it readable by chat webhooks that show a text field. */
export function webhookBody(
  batch: readonly Notice[],
  options: { instance: string; dropped: number },
): Record<string, unknown> {
  return {
    source: 'ers-bridge',
    instance: options.instance,
    text: `${subjectOf(batch, options.instance)}\n${textOf(batch, options.dropped)}`,
    notices: batch.map((n) => ({
      kind: n.kind,
      at: new Date(n.at).toISOString(),
      incident: incidentJson(n.incident),
    })),
    dropped: options.dropped,
  };
}
