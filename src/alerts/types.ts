/** What the alert rules look at, one kind of trouble each (docs/alerts.md). */
export const AlertRule = {
  errors: 'errors',
  unresolved: 'unresolved',
  queueDepth: 'queueDepth',
  queueAge: 'queueAge',
  silence: 'silence',
  reloadRefused: 'reloadRefused',
  channelFailed: 'channelFailed',
  fileStuck: 'fileStuck',
  fileRejected: 'fileRejected',
  ersAuth: 'ersAuth',
  expiry: 'expiry',
} as const;
export type AlertRule = (typeof AlertRule)[keyof typeof AlertRule];

export const Severity = { warning: 'warning', critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/**
 * One rule holding for one subject (a channel id, a file name, a certificate) at one check.
 * Summaries carry counts, channel ids, file names and codes only: never patient data.
 */
export interface Finding {
  readonly rule: AlertRule;
  readonly subject: string;
  readonly severity: Severity;
  readonly summary: string;
}

/** A finding that holds over time: opened once, recovered once (dedupe per rule + subject). */
export interface Incident {
  /** `<rule>:<subject>:<opened at>`, unique across reopenings. */
  readonly id: string;
  readonly rule: AlertRule;
  readonly subject: string;
  readonly severity: Severity;
  /** The latest summary (counts move while it is open). */
  readonly summary: string;
  readonly openedAt: number;
  readonly lastSeenAt: number;
  readonly closedAt: number | null;
  /** Checks in a row the finding was absent; it clears at settings.alerts.clearAfterChecks. */
  readonly missedChecks: number;
}

export const NoticeKind = { opened: 'opened', recovered: 'recovered' } as const;
export type NoticeKind = (typeof NoticeKind)[keyof typeof NoticeKind];

/** What receivers are told: an incident opened, or it recovered. */
export interface Notice {
  readonly kind: NoticeKind;
  readonly incident: Incident;
  readonly at: number;
}

export const incidentKey = (rule: AlertRule, subject: string): string => `${rule}:${subject}`;
