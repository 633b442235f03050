import { SYSTEM } from '../systems.js';
import type { Answer } from '../operations/types.js';
import { readStandard } from './standard.js';

interface Participant {
  actor?: { identifier?: { system?: string; value?: string }; display?: string };
}
interface AppointmentView {
  resourceType?: string;
  id?: string;
  meta?: { versionId?: string };
  incomingReferral?: { reference?: string }[];
  participant?: Participant[];
}

/**
 * Pure: what an update of this appointment (A034) needs, read from A038's answer: its id and
 * version, the referral and version it books, the service (and its name) and the patient.
 */
export function appointmentFacts(resource: unknown): Record<string, string> {
  const a = resource as AppointmentView | undefined;
  if (a?.resourceType !== 'Appointment') return {};
  const out: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  put('appointmentId', a.id);
  put('appointmentVersion', a.meta?.versionId);
  const ref = /ReferralRequest\/(\d{12})(?:\/_history\/(\d+))?/.exec(
    a.incomingReferral?.[0]?.reference ?? '',
  );
  put('ubrn', ref?.[1]);
  put('version', ref?.[2]);
  const actor = (system: string) =>
    a.participant?.find((p) => p.actor?.identifier?.system === system)?.actor;
  put('serviceId', actor(SYSTEM.ersService)?.identifier?.value);
  put('serviceName', actor(SYSTEM.ersService)?.display);
  put('nhsNumber', actor(SYSTEM.nhsNumber)?.identifier?.value);
  return out;
}

/** The A038 answer reader: the appointment's facts for A034 (the version is the appointment's). */
export const readAppointment = (answer: Answer): Record<string, string> => ({
  ...readStandard(answer),
  ...appointmentFacts(answer.resource),
});
