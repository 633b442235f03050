import { randomUUID } from 'node:crypto';
import type { Seed, SeedService } from './seed.js';

/** Referral states of Extension-eRS-ReferralState-1 the sandbox moves between (ENDPOINTS.md §4). */
export const ReferralState = {
  NOT_BOOKED: 'NOT_BOOKED',
  AWAITING_TRIAGE: 'AWAITING_TRIAGE',
  BOOKED: 'BOOKED',
  TRIAGED_PROVIDER_TO_ACTION: 'TRIAGED_PROVIDER_TO_ACTION',
  REJECTED: 'REJECTED',
  CANCELLED_REFERRAL: 'CANCELLED_REFERRAL',
} as const;
export type ReferralState = (typeof ReferralState)[keyof typeof ReferralState];

export interface Referral {
  readonly ubrn: string;
  version: number;
  state: ReferralState;
  status: 'active' | 'cancelled' | 'completed';
  readonly nhsNumber: string;
  readonly priority: string;
  readonly serviceIds: readonly string[];
  readonly requestId: string;
  letters: string[];
  rejection?: { reason: string; comments: string };
}

export interface StoredBinary {
  readonly id: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly intendedUbrn: string | undefined;
  linkedTo: string | undefined;
}

export interface Session {
  readonly key: string;
  readonly asid: string;
  permission: { businessFunction: string; orgIdentifier: string } | null;
}

export interface LoggedRequest {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** The sandbox's in-memory world, reset from its seed. */
export class SandboxState {
  readonly patients = new Set<string>();
  readonly services = new Map<string, SeedService>();
  readonly referrals = new Map<string, Referral>();
  readonly binaries = new Map<string, StoredBinary>();
  readonly sessions = new Map<string, Session>();
  readonly requests: LoggedRequest[] = [];
  private nextUbrn = 0;

  constructor(private readonly seed: Seed) {
    this.reset();
  }

  reset(): void {
    this.patients.clear();
    this.services.clear();
    this.referrals.clear();
    this.binaries.clear();
    this.sessions.clear();
    this.requests.length = 0;
    for (const p of this.seed.patients) this.patients.add(p);
    for (const s of this.seed.services) this.services.set(s.id, s);
    this.nextUbrn = this.seed.firstUbrn;
  }

  newUbrn(): string {
    return String(this.nextUbrn++).padStart(12, '0');
  }

  newRequestId(): string {
    return `r.${randomUUID()}`;
  }

  snapshot(): Record<string, unknown> {
    return {
      referrals: [...this.referrals.values()],
      binaries: [...this.binaries.values()].map(({ data, ...b }) => ({ ...b, size: data.length })),
      sessions: this.sessions.size,
    };
  }
}
