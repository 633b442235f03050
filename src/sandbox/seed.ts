import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { LEGACY_SEED } from './default-seed.js';
import { NHS_SEED } from './nhs-seed.js';

/**
 * The sandbox's starting world. The default (default-seed.ts) uses the identifiers of the NHS API
 * platform sandbox (ENDPOINTS.md §7); a seed file (YAML or JSON) adds to it — entries whose id or
 * UBRN matches a default entry replace it, `replaceDefaults: true` starts from empty lists.
 */
export const SERVICE_KINDS = [
  'DIRECTLY_BOOKABLE',
  'INDIRECTLY_BOOKABLE',
  'TRIAGE',
  'ADVICE_ONLY',
] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

const ubrn = z.string().regex(/^\d{12}$/, 'a UBRN is 12 digits');
const nhsNumber = z.string().regex(/^\d{10}$/, 'an NHS number is 10 digits');
const priority = z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']);
const instant = z.iso.datetime({ offset: true });

const serviceSchema = z
  .object({
    id: z.string().regex(/^\d+$/),
    name: z.string().min(1),
    kind: z.enum(SERVICE_KINDS),
    specialty: z.string().min(1),
    ods: z.string().min(1),
    /** Also takes Advice and Guidance requests (A010 requestType ADVICE_AND_GUIDANCE_REQUEST). */
    adviceAndGuidance: z.boolean().optional(),
    /** Clinic types the service runs; absent means any clinic type of its specialty. */
    clinicTypes: z.array(z.string()).optional(),
    location: z.object({ ods: z.string(), name: z.string() }).strict().optional(),
    /** Indicative appointment wait time in days; absent means NOT_APPLICABLE. */
    waitDays: z.number().int().min(0).optional(),
    /** false: the service refuses Two Week Wait referrals (UNSUPPORTED_PRIORITY); absent = accepts. */
    twoWeekWait: z.boolean().optional(),
    /** false: the service refuses Two Week Wait Advice and Guidance; absent = accepts. */
    adviceTwoWeekWait: z.boolean().optional(),
    /** The service needs a referral letter before booking (A010 referralLetterRequired). */
    letterRequired: z.boolean().optional(),
    /** SNOMED CT codes an A010 search by clinical term alone finds the service by. */
    clinicalTerms: z.array(z.string()).optional(),
  })
  .strict();
export type SeedService = z.infer<typeof serviceSchema>;

const binarySchema = z
  .object({
    id: z.string().min(1),
    fileName: z.string().min(1),
    contentType: z.string().min(1),
    /** The file's text content (the sandbox stores small text stand-ins for seeded files). */
    text: z.string(),
    intendedUbrn: ubrn.optional(),
    linkedTo: ubrn.optional(),
    type: z.enum(['REFERRER', 'PROVIDER', 'ADVICE_REQUEST', 'GUIDANCE_RESPONSE']).optional(),
    /** A006 answers 422 with this code instead of the bytes (platform virus scanning states). */
    availability: z.enum(['AVAILABLE', 'PENDING', 'THREATS_FOUND', 'VALIDATION_FAILED']).optional(),
    description: z.string().optional(),
    /** SDS user id and ODS code of who attached it, and whom they acted for (AttachedBy… extensions). */
    attachedBy: z.string().optional(),
    attachedByOrganisation: z.string().optional(),
    attachedOnBehalfOf: z.string().optional(),
  })
  .strict();
export type SeedBinary = z.infer<typeof binarySchema>;

const appointmentFields = {
  id: z.string().regex(/^\d+$/),
  status: z.enum(['booked', 'proposed', 'cancelled']),
  serviceId: z.string().optional(),
  start: instant.optional(),
  end: instant.optional(),
  slotId: z.string().optional(),
  /** ReviewReason / ReviewOutcome / APPOINTMENT-CANCELLATION-REASON code. */
  reason: z.string().optional(),
  comment: z.string().optional(),
  /** SDS user id of the named clinician (participant type CON). */
  clinician: z.string().optional(),
  created: instant.optional(),
};
const currentAppointmentSchema = z.object(appointmentFields).strict();
/** Appointments kept on their own (A038/A034), each of one referral at one version. */
const appointmentSchema = z
  .object({
    ...appointmentFields,
    serviceId: z.string(),
    ubrn,
    referralVersion: z.number().int().min(1),
    nhsNumber,
    /** The appointment resource's own version (meta.versionId). */
    version: z.number().int().min(1).default(1),
  })
  .strict();
export type SeedAppointment = z.infer<typeof appointmentSchema>;

const referralSchema = z
  .object({
    ubrn,
    version: z.number().int().min(1),
    state: z.enum([
      'NOT_BOOKED',
      'AWAITING_TRIAGE',
      'BOOKED',
      'DEFERRED_TO_PROVIDER',
      'TRIAGED_PROVIDER_TO_ACTION',
      'TRIAGE_RESPONSE',
      'REJECTED',
      'APPT_CANCELLED_BY_PROVIDER',
      'CANCELLED_REFERRAL',
    ]),
    nhsNumber,
    priority,
    serviceIds: z.array(z.string()).min(1).max(20),
    letters: z.array(z.string()).default([]),
    /** Being edited in the Professional App: writes answer 423 REFERRAL_LOCKED. */
    locked: z.boolean().default(false),
    /** SDS user id of the clinician the provider allocated it to (A008 clinician filter). */
    allocatedClinician: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    /** BOOKED referrals: the appointment's time (a slot of the first service is not needed). */
    appointmentStart: instant.optional(),
    /** The referral's current appointment, when it must be exact (NHS world): see appointmentSchema. */
    appointment: currentAppointmentSchema.optional(),
    /** ReferralState reason and comments (deferral reason, review outcome, rejection reason). */
    reason: z.string().optional(),
    comments: z.string().optional(),
    /** Extension-eRS-eReferralPathwayStart-1 (RTT clock start). */
    pathwayStart: instant.optional(),
    /** When the letters last changed after their first submission (ClinicalInfoLastUpdated). */
    lettersUpdatedAt: instant.optional(),
    /** Extension-eRS-PatientAdditionalRequirement-1 codes (ADVOCACY, INTERPRETER, TRANSPORT…). */
    additionalRequirements: z.array(z.string()).optional(),
    /** A related referral (supportingInfo ReferralRequest/<ubrn>). */
    relatedUbrn: ubrn.optional(),
    /** Converted from the Advice and Guidance request of the same UBRN (A027). */
    fromAdvice: z.boolean().optional(),
    /** The recorded service search: specialty, clinic type, postcode and distance. */
    searchCriteria: z
      .object({
        specialty: z.string().optional(),
        clinicType: z.string().optional(),
        postcode: z.string().optional(),
        distanceLimit: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SeedReferral = z.infer<typeof referralSchema>;

const adviceSchema = z
  .object({
    ubrn,
    version: z.number().int().min(1),
    category: z.enum([
      'PROVIDER_RESPONSE_REQUIRED',
      'REFERRER_TO_SUBMIT_FURTHER_INFORMATION',
      'REFERRER_TO_REVIEW_RESPONSE',
      'CONVERSATION_ENDED_CANCELLED',
      'CONVERSATION_ENDED_CLOSED',
      'ADVICE_CONVERTED',
    ]),
    nhsNumber,
    priority,
    serviceId: z.string(),
    authorisedToConvert: z.boolean(),
    referrer: z.object({ sdsUserId: z.string().regex(/^\d{12}$/), ods: z.string() }).strict(),
    /** The conversation so far, oldest first; attachments are seeded binary ids. */
    messages: z
      .array(
        z
          .object({
            sentBy: z.enum(['REQUESTER', 'RESPONDER']),
            at: instant,
            note: z.string(),
            attachments: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .min(1),
    locked: z.boolean().default(false),
  })
  .strict();
export type SeedAdvice = z.infer<typeof adviceSchema>;

const slotSchema = z
  .object({
    id: z.string().regex(/^\d+$/),
    serviceId: z.string(),
    start: instant,
    end: instant,
    /** The schedule the slot belongs to (default: the service's own); its actors. */
    schedule: z
      .object({ id: z.string().min(1), clinician: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();

export const SeedSchema = z
  .object({
    patients: z.array(nhsNumber),
    services: z.array(serviceSchema),
    firstUbrn: z.number().int().min(1).max(999_999_999_999),
    /** First generated slot time (UTC); each directly bookable service gets 40 slots from it. */
    slotsFrom: instant,
    /**
     * The world's today, for its date rules (A013/A014 and Referrals for Review need an
     * appointment from today on); absent: the real today. NHS's test world is set in 2021.
     */
    today: instant.optional(),
    /** false: only the listed slots exist (the NHS world's exact slots). */
    generateSlots: z.boolean().default(true),
    slots: z.array(slotSchema).default([]),
    referrals: z.array(referralSchema).default([]),
    adviceRequests: z.array(adviceSchema).default([]),
    binaries: z.array(binarySchema).default([]),
    appointments: z.array(appointmentSchema).default([]),
  })
  .strict();
export type Seed = z.infer<typeof SeedSchema>;

const LISTS = [
  'services',
  'slots',
  'referrals',
  'adviceRequests',
  'binaries',
  'appointments',
] as const;
const keyOf = (x: unknown): string => {
  const o = x as { id?: string; ubrn?: string };
  return o.ubrn ?? o.id ?? JSON.stringify(x);
};

/**
 * The named starting worlds: `nhs` is NHS's e-RS sandbox test world (nhs-seed.ts), `legacy` the
 * sandbox's earlier world built for the official e-RS examples (default-seed.ts).
 */
export const SEED_WORLDS = { legacy: LEGACY_SEED, nhs: NHS_SEED } as const;
export type SeedWorld = keyof typeof SEED_WORLDS;
export const isSeedWorld = (x: unknown): x is SeedWorld =>
  typeof x === 'string' && Object.hasOwn(SEED_WORLDS, x);

/** The world used when none is named (startSandbox, createSandboxApp, seed files without `base`). */
export const DEFAULT_WORLD: SeedWorld = 'nhs';
export const DEFAULT_SEED: Seed = SEED_WORLDS[DEFAULT_WORLD];

/**
 * Pure: a seed file's content laid over a base seed (by id/UBRN), validated; throws listing every
 * problem. `base: nhs | legacy` in the content picks the named world as the base instead.
 */
export function mergeSeed(given0: Seed, overlay: unknown): Seed {
  if (overlay === null || typeof overlay !== 'object' || Array.isArray(overlay))
    throw new Error('a seed must be a mapping of seed lists');
  const { replaceDefaults, base: named, ...given } = overlay as Record<string, unknown>;
  if (named !== undefined && !isSeedWorld(named))
    throw new Error(
      `invalid seed: base: ${JSON.stringify(named)} is not one of ${Object.keys(SEED_WORLDS).join(', ')}`,
    );
  const base = named === undefined ? given0 : SEED_WORLDS[named];
  const start: Record<string, unknown> = replaceDefaults === true ? {} : { ...base };
  const merged: Record<string, unknown> = { ...start, ...given };
  for (const list of LISTS) {
    const extra = given[list];
    if (!Array.isArray(extra) || replaceDefaults === true) continue;
    const byKey = new Map((base[list] as unknown[]).map((x) => [keyOf(x), x]));
    for (const x of extra) byKey.set(keyOf(x), x);
    merged[list] = [...byKey.values()];
  }
  if (Array.isArray(given['patients']) && replaceDefaults !== true)
    merged['patients'] = [...new Set([...base.patients, ...(given['patients'] as string[])])];
  const parsed = SeedSchema.safeParse(merged);
  if (!parsed.success)
    throw new Error(
      `invalid seed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Reads a YAML/JSON seed file and lays it over the default seed. */
export async function loadSeedFile(file: string, base: Seed = DEFAULT_SEED): Promise<Seed> {
  try {
    return mergeSeed(base, parse(await readFile(file, 'utf8')) as unknown);
  } catch (error) {
    throw new Error(`seed file ${file}: ${(error as Error).message}`, { cause: error });
  }
}
