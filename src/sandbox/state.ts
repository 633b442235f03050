import { randomUUID } from 'node:crypto';
import type { Seed, SeedService } from './seed.js';

/** Eight free 30-minute slots a day for five days on each directly bookable service, from seed.slotsFrom. */
export function seedSlots(seed: Seed): Slot[] {
  const slots: Slot[] = [];
  let id = 228_000;
  for (const service of seed.services.filter((s) => s.kind === 'DIRECTLY_BOOKABLE')) {
    for (let day = 0; day < 5; day++) {
      for (let n = 0; n < 8; n++) {
        const start = new Date(Date.parse(seed.slotsFrom) + day * 86_400_000 + n * 1_800_000);
        slots.push({
          id: String(id++),
          serviceId: service.id,
          start: start.toISOString(),
          end: new Date(start.getTime() + 1_800_000).toISOString(),
          status: 'free',
        });
      }
    }
  }
  return slots;
}

/** Referral states of Extension-eRS-ReferralState-1 the sandbox moves between (ENDPOINTS.md §4). */
export const ReferralState = {
  NOT_BOOKED: 'NOT_BOOKED',
  AWAITING_TRIAGE: 'AWAITING_TRIAGE',
  BOOKED: 'BOOKED',
  DEFERRED_TO_PROVIDER: 'DEFERRED_TO_PROVIDER',
  APPT_CANCELLED_BY_PROVIDER: 'APPT_CANCELLED_BY_PROVIDER',
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
  appointment?: {
    id: string;
    status: 'booked' | 'proposed' | 'cancelled';
    slotId?: string;
    serviceId: string;
    reason?: string;
    start?: string;
    end?: string;
  };
}

export interface Slot {
  readonly id: string;
  readonly serviceId: string;
  readonly start: string;
  readonly end: string;
  status: 'free' | 'busy';
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
  readonly slots = new Map<string, Slot>();
  private nextAppointment = 70_000;
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
    this.slots.clear();
    for (const slot of seedSlots(this.seed)) this.slots.set(slot.id, slot);
    this.nextAppointment = 70_000;
    this.nextUbrn = this.seed.firstUbrn;
  }

  newUbrn(): string {
    return String(this.nextUbrn++).padStart(12, '0');
  }

  newAppointmentId(): string {
    return String(this.nextAppointment++);
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
