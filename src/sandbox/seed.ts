import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_SEED } from './default-seed.js';

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
  })
  .strict();
export type SeedBinary = z.infer<typeof binarySchema>;

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
  .object({ id: z.string().regex(/^\d+$/), serviceId: z.string(), start: instant, end: instant })
  .strict();

export const SeedSchema = z
  .object({
    patients: z.array(nhsNumber),
    services: z.array(serviceSchema),
    firstUbrn: z.number().int().min(1).max(999_999_999_999),
    /** First generated slot time (UTC); each directly bookable service gets 40 slots from it. */
    slotsFrom: instant,
    slots: z.array(slotSchema).default([]),
    referrals: z.array(referralSchema).default([]),
    adviceRequests: z.array(adviceSchema).default([]),
    binaries: z.array(binarySchema).default([]),
  })
  .strict();
export type Seed = z.infer<typeof SeedSchema>;

const LISTS = ['services', 'slots', 'referrals', 'adviceRequests', 'binaries'] as const;
const keyOf = (x: unknown): string => {
  const o = x as { id?: string; ubrn?: string };
  return o.ubrn ?? o.id ?? JSON.stringify(x);
};

/** Pure: a seed file's content laid over a base seed (by id/UBRN), validated; throws listing every problem. */
export function mergeSeed(base: Seed, overlay: unknown): Seed {
  if (overlay === null || typeof overlay !== 'object' || Array.isArray(overlay))
    throw new Error('a seed must be a mapping of seed lists');
  const { replaceDefaults, ...given } = overlay as Record<string, unknown>;
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

export { DEFAULT_SEED };
