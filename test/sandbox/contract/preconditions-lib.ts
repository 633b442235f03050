/** Helpers of preconditions.ts: NHS world records put in another state for one scenario. */
import { NHS_SEED, type Seed } from '../../../src/sandbox/index.js';

export type SeedReferral = Seed['referrals'][number];
export type SeedAdvice = Seed['adviceRequests'][number];

const baseReferral = (ubrn: string): SeedReferral => {
  const r = NHS_SEED.referrals.find((x) => x.ubrn === ubrn);
  if (!r) throw new Error(`no NHS referral ${ubrn}`);
  return r;
};
export const referral = (ubrn: string, changes: Partial<SeedReferral>): SeedReferral => {
  const { appointment: _drop, ...rest } = baseReferral(ubrn);
  return { ...rest, ...changes };
};
export const advice = (ubrn: string, changes: Partial<SeedAdvice>): SeedAdvice => {
  const a = NHS_SEED.adviceRequests.find((x) => x.ubrn === ubrn);
  if (!a) throw new Error(`no NHS A&G request ${ubrn}`);
  return { ...a, ...changes };
};

export interface Precondition {
  /** Why the world differs from the NHS world for this scenario (NHS's response it is read from). */
  readonly why: string;
  readonly overlay: Record<string, unknown>;
  /**
   * The business function the request is sent as, where NHS's example sends one its own reference
   * data does not allow for the call (NHS's sandbox does not check it; a real platform refuses).
   */
  readonly businessFunction?: string;
}

export const UBRN = '000000070000';
export const START = '2024-05-08T09:54:23.167Z';
// A future appointment: only one not yet attended can be reviewed (A013/A014).
export const BOOKED_AT = { start: '2030-06-20T12:30:00.000Z', end: '2030-06-20T12:45:00.000Z' };
export const booked = (serviceId: string, clinician = true): SeedReferral['appointment'] => ({
  id: '70100',
  status: 'booked',
  serviceId,
  ...BOOKED_AT,
  // A directly bookable service's appointment is a slot, with its clinician.
  ...(clinician ? { clinician: '021600556514', slotId: '11002003' } : {}),
});
export const on = (
  ubrn: string,
  why: string,
  changes: Partial<SeedReferral>,
  extra = {},
): Precondition => ({
  why,
  overlay: { referrals: [referral(ubrn, changes)] },
  ...extra,
});
export const SPC = 'SERVICE_PROVIDER_CLINICIAN';
export const RC = 'REFERRING_CLINICIAN';
