import { randomUUID } from 'node:crypto';
import type { Seed, SeedAdvice, SeedService } from './seed.js';

/** Eight free 30-minute slots a day for five days on each directly bookable service, from seed.slotsFrom. */
export function seedSlots(seed: Seed): Slot[] {
  const slots: Slot[] = seed.slots.map((s) => ({ ...s, status: 'free' as const }));
  let id = 228_000;
  const generated = seed.generateSlots
    ? seed.services.filter((s) => s.kind === 'DIRECTLY_BOOKABLE')
    : [];
  for (const service of generated) {
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
  TRIAGE_RESPONSE: 'TRIAGE_RESPONSE',
  REJECTED: 'REJECTED',
  CANCELLED_REFERRAL: 'CANCELLED_REFERRAL',
} as const;
export type ReferralState = (typeof ReferralState)[keyof typeof ReferralState];

export interface Appointment {
  id: string;
  status: 'booked' | 'proposed' | 'cancelled';
  slotId?: string;
  serviceId: string;
  /** ReviewReason (defer) or ReviewOutcome (A027/A028) code. */
  reason?: string;
  comment?: string;
  start?: string;
  end?: string;
  /** SDS user id of the named clinician (participant type CON). */
  clinician?: string;
  created?: string;
}

/** An appointment kept on its own (A038/A034): of one referral, at one referral version. */
export interface StoredAppointment extends Appointment {
  readonly ubrn: string;
  referralVersion: number;
  readonly nhsNumber: string;
  /** meta.versionId of the Appointment resource. */
  version: number;
}

export interface Referral {
  readonly ubrn: string;
  version: number;
  state: ReferralState;
  status: 'active' | 'cancelled' | 'completed';
  readonly nhsNumber: string;
  priority: string;
  serviceIds: readonly string[];
  readonly requestId: string;
  readonly createdAt: string;
  letters: string[];
  /** Provider, guidance and review files (A027/A028), shown beside the referrer's letters. */
  otherFiles: string[];
  /** The provider has accepted or rejected it (A013/A014): off the Referrals for Review list. */
  reviewed?: boolean;
  /** SDS user id of the clinician the provider allocated the referral to (A008 filter). */
  allocatedClinician?: string;
  /** Set when the referral came from an Advice and Guidance request (A027). */
  fromAdvice?: boolean;
  rejection?: { reason: string; comments: string };
  appointment?: Appointment;
  /** ReferralState reason/comments not covered by `rejection`/appointment (seeded worlds). */
  stateReason?: string;
  stateComments?: string;
  /** Extension-eRS-eReferralPathwayStart-1. */
  pathwayStart?: string;
  /** When the letters were last changed after the first submission (ClinicalInfoLastUpdated). */
  lettersUpdatedAt?: string;
  /** REFERRAL- or REQUEST-CANCELLATION-REASON system of a cancelled referral's reason (A036). */
  cancellationSystem?: string;
  additionalRequirements?: readonly string[];
  relatedUbrn?: string;
  searchCriteria?: {
    specialty?: string | undefined;
    clinicType?: string | undefined;
    postcode?: string | undefined;
    distanceLimit?: number | undefined;
  };
}

export interface Slot {
  readonly id: string;
  readonly serviceId: string;
  readonly start: string;
  readonly end: string;
  status: 'free' | 'busy';
  /** The schedule holding the slot when it is not the service's own (id and named clinician). */
  readonly schedule?: { readonly id: string; readonly clinician?: string | undefined };
}

export interface StoredBinary {
  readonly id: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly intendedUbrn: string | undefined;
  readonly addedAt: string;
  readonly addedBy: string;
  linkedTo: string | undefined;
  type?: string;
  description?: string;
  availability?: string;
  attachedByOrganisation?: string;
  attachedOnBehalfOf?: string;
}

export interface Role {
  readonly sdsUserId: string;
  readonly ods: string;
  readonly businessFunction: string;
}

export interface Communication {
  readonly id: string;
  readonly ubrn: string;
  readonly sentBy: 'REQUESTER' | 'RESPONDER';
  readonly sender: Role;
  readonly sent: string;
  readonly note: string;
  readonly attachments: readonly string[];
}

export interface AdviceRequest {
  readonly ubrn: string;
  version: number;
  category: SeedAdvice['category'];
  status: 'active' | 'cancelled' | 'completed';
  readonly nhsNumber: string;
  priority: string;
  readonly serviceId: string;
  readonly authorisedToConvert: boolean;
  readonly referrer: Role;
  readonly requestId: string;
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
  readonly url: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /** The connection closed before the answer was sent (a dropped-connection fault, or the client gave up). */
  readonly dropped?: boolean;
}

const adviceStatus = (category: SeedAdvice['category']): AdviceRequest['status'] =>
  category === 'CONVERSATION_ENDED_CANCELLED'
    ? 'cancelled'
    : category === 'CONVERSATION_ENDED_CLOSED' || category === 'ADVICE_CONVERTED'
      ? 'completed'
      : 'active';

/**
 * The request log keeps the newest this many: the sandbox embedded in an engine that runs for
 * weeks would otherwise hold every request body it ever received.
 */
export const REQUEST_LOG_LIMIT = 10_000;

/** The sandbox's in-memory world, reset from its seed. */
export class SandboxState {
  readonly patients = new Set<string>();
  readonly services = new Map<string, SeedService>();
  readonly referrals = new Map<string, Referral>();
  readonly adviceRequests = new Map<string, AdviceRequest>();
  readonly communications: Communication[] = [];
  readonly binaries = new Map<string, StoredBinary>();
  readonly sessions = new Map<string, Session>();
  readonly slots = new Map<string, Slot>();
  /** Appointments by id: the seeded ones of past referral versions (A038) and every new one. */
  readonly appointments = new Map<string, StoredAppointment>();
  /** UBRNs being edited in the Professional App: writes to them answer 423 REFERRAL_LOCKED. */
  readonly locked = new Set<string>();
  readonly requests: LoggedRequest[] = [];
  /** Application-restricted A008 calls answered, by `<London date>|<service id>` (≤ 2 a day). */
  readonly appWorklistCalls = new Map<string, number>();
  private nextAppointment = 70_000;
  private nextCommunication = 80_000;
  private nextUbrn = 0;

  constructor(readonly seed: Seed) {
    this.reset();
  }

  /** The world's today (ms): the seed's, or the real one — what its date rules compare with. */
  today(): number {
    return this.seed.today === undefined ? Date.now() : Date.parse(this.seed.today);
  }

  /** Appends to the request log, dropping the oldest past REQUEST_LOG_LIMIT (in steps of a tenth). */
  logRequest(entry: LoggedRequest): void {
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_LIMIT * 1.1)
      this.requests.splice(0, this.requests.length - REQUEST_LOG_LIMIT);
  }

  reset(): void {
    for (const m of [this.patients, this.services, this.referrals, this.adviceRequests]) m.clear();
    for (const m of [this.binaries, this.sessions, this.slots, this.locked]) m.clear();
    this.appointments.clear();
    this.appWorklistCalls.clear();
    this.communications.length = 0;
    this.requests.length = 0;
    const seed = this.seed;
    for (const p of seed.patients) this.patients.add(p);
    for (const s of seed.services) this.services.set(s.id, s);
    for (const slot of seedSlots(seed)) this.slots.set(slot.id, slot);
    const seededIds = [...seed.appointments, ...seed.referrals.flatMap((r) => r.appointment ?? [])];
    this.nextAppointment = Math.max(70_000, ...seededIds.map((a) => Number(a.id) + 1));
    this.nextCommunication = 80_000;
    this.nextUbrn = seed.firstUbrn;
    this.loadFiles(seed);
    for (const a of seed.appointments) this.appointments.set(a.id, { ...a });
    for (const r of seed.referrals) {
      const booked = r.state === 'BOOKED';
      const seeded: Appointment | undefined = r.appointment
        ? { ...r.appointment, serviceId: r.appointment.serviceId ?? r.serviceIds[0] ?? '' }
        : undefined;
      this.referrals.set(r.ubrn, {
        ubrn: r.ubrn,
        version: r.version,
        state: r.state,
        status: r.state === 'CANCELLED_REFERRAL' ? 'cancelled' : 'active',
        nhsNumber: r.nhsNumber,
        priority: r.priority,
        serviceIds: r.serviceIds,
        requestId: `r.${randomUUID()}`,
        createdAt: '2021-01-04T10:00:00.000Z',
        letters: [...r.letters],
        otherFiles: [],
        ...(r.allocatedClinician ? { allocatedClinician: r.allocatedClinician } : {}),
        ...(r.reason === undefined ? {} : { stateReason: r.reason }),
        ...(r.comments === undefined ? {} : { stateComments: r.comments }),
        ...(r.pathwayStart === undefined ? {} : { pathwayStart: r.pathwayStart }),
        ...(r.lettersUpdatedAt === undefined ? {} : { lettersUpdatedAt: r.lettersUpdatedAt }),
        ...(r.additionalRequirements ? { additionalRequirements: r.additionalRequirements } : {}),
        ...(r.relatedUbrn === undefined ? {} : { relatedUbrn: r.relatedUbrn }),
        ...(r.fromAdvice ? { fromAdvice: true } : {}),
        ...(r.searchCriteria ? { searchCriteria: r.searchCriteria } : {}),
        ...(seeded
          ? { appointment: seeded }
          : r.appointment === undefined &&
              (booked || r.state === 'DEFERRED_TO_PROVIDER' || r.state === 'AWAITING_TRIAGE')
            ? {
                appointment: {
                  id: this.newAppointmentId(),
                  status: booked ? 'booked' : 'proposed',
                  serviceId: r.serviceIds[0] ?? '',
                  ...(booked ? { start: r.appointmentStart, end: r.appointmentStart } : {}),
                  ...(r.state === 'DEFERRED_TO_PROVIDER' ? { reason: 'NO_SLOTS_AT_SERVICE' } : {}),
                },
              }
            : {}),
      });
      for (const id of r.letters) {
        const file = this.binaries.get(id);
        if (file) file.linkedTo = r.ubrn;
      }
      if (r.locked) this.locked.add(r.ubrn);
      const current = this.referrals.get(r.ubrn)?.appointment;
      if (current) this.keepAppointment(r.ubrn, current);
    }
    for (const a of seed.adviceRequests) this.loadAdvice(a);
  }

  private loadFiles(seed: Seed): void {
    for (const b of seed.binaries) {
      this.binaries.set(b.id, {
        id: b.id,
        fileName: b.fileName,
        contentType: b.contentType,
        data: Buffer.from(b.text, 'utf8'),
        intendedUbrn: b.intendedUbrn,
        linkedTo: b.linkedTo,
        addedAt: '2021-01-04T10:00:00.000Z',
        addedBy: b.attachedBy ?? '021600556514',
        ...(b.type ? { type: b.type } : {}),
        ...(b.availability ? { availability: b.availability } : {}),
        ...(b.description === undefined ? {} : { description: b.description }),
        ...(b.attachedByOrganisation ? { attachedByOrganisation: b.attachedByOrganisation } : {}),
        ...(b.attachedOnBehalfOf ? { attachedOnBehalfOf: b.attachedOnBehalfOf } : {}),
      });
    }
  }

  private loadAdvice(a: SeedAdvice): void {
    const service = this.services.get(a.serviceId);
    const referrer = { ...a.referrer, businessFunction: 'REFERRING_CLINICIAN' };
    const responder = {
      sdsUserId: '021600556514',
      ods: service?.ods ?? 'R69',
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
    };
    this.adviceRequests.set(a.ubrn, {
      ubrn: a.ubrn,
      version: a.version,
      category: a.category,
      status: adviceStatus(a.category),
      nhsNumber: a.nhsNumber,
      priority: a.priority,
      serviceId: a.serviceId,
      authorisedToConvert: a.authorisedToConvert,
      referrer,
      requestId: `a.${randomUUID()}`,
    });
    for (const m of a.messages) {
      this.communications.push({
        id: this.newCommunicationId(),
        ubrn: a.ubrn,
        sentBy: m.sentBy,
        sender: m.sentBy === 'REQUESTER' ? referrer : responder,
        sent: m.at,
        note: m.note,
        attachments: m.attachments,
      });
    }
    if (a.locked) this.locked.add(a.ubrn);
  }

  /** The A&G category → CommunicationRequest.status rule of ENDPOINTS.md §4. */
  static adviceStatus = adviceStatus;

  newUbrn(): string {
    let ubrn = String(this.nextUbrn++).padStart(12, '0');
    while (this.referrals.has(ubrn) || this.adviceRequests.has(ubrn))
      ubrn = String(this.nextUbrn++).padStart(12, '0');
    return ubrn;
  }

  /** Records a referral's (new or changed) current appointment in the appointment store. */
  keepAppointment(ubrn: string, a: Appointment): void {
    const r = this.referrals.get(ubrn);
    if (!r) return;
    const known = this.appointments.get(a.id);
    this.appointments.set(a.id, {
      ...a,
      ubrn,
      referralVersion: r.version,
      nhsNumber: r.nhsNumber,
      version: known ? known.version + (known.status === a.status ? 0 : 1) : 1,
    });
  }

  newAppointmentId(): string {
    return String(this.nextAppointment++);
  }

  newCommunicationId(): string {
    return String(this.nextCommunication++);
  }

  newRequestId(): string {
    return `r.${randomUUID()}`;
  }

  snapshot(): Record<string, unknown> {
    return {
      referrals: [...this.referrals.values()],
      adviceRequests: [...this.adviceRequests.values()],
      communications: this.communications,
      binaries: [...this.binaries.values()].map(({ data, ...b }) => ({ ...b, size: data.length })),
      locked: [...this.locked],
      sessions: this.sessions.size,
    };
  }
}
