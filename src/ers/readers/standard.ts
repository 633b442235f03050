import { EXTENSION } from '../systems.js';
import type { Answer } from '../operations/types.js';

/**
 * Pure: the facts later stages use from most answers — the UBRN of a referral or A&G request
 * (A027 keeps the A&G UBRN), its version (meta.versionId or the weak ETag), the Binary an upload
 * created, an appointment's id.
 */
export function readStandard(answer: Answer): Record<string, string> {
  const { resource, etag, location } = answer;
  const out: Record<string, string> = {};
  const type = resource?.['resourceType'];
  const id = resource?.['id'];
  if ((type === 'ReferralRequest' || type === 'CommunicationRequest') && typeof id === 'string')
    out['ubrn'] = id;
  if (type === 'Appointment' && typeof id === 'string') out['appointmentId'] = id;
  // A referral booked to a directly bookable service names its appointment (for A038/A034).
  const booked = (
    resource?.['extension'] as
      { url?: string; valueReference?: { reference?: string } }[] | undefined
  )?.find((e) => e.url === EXTENSION.appointmentReference)?.valueReference?.reference;
  const appointmentId = /^Appointment\/(\d+)$/.exec(booked ?? '')?.[1];
  if (type === 'ReferralRequest' && appointmentId !== undefined)
    out['appointmentId'] = appointmentId;
  const version =
    (resource?.['meta'] as { versionId?: string } | undefined)?.versionId ??
    /W\/"(\d+)"/.exec(etag ?? '')?.[1];
  if (version !== undefined) out['version'] = version;
  if (location !== undefined)
    out['attachmentUrl'] = /Binary\/[^/?#]+/.exec(location)?.[0] ?? location;
  return out;
}

/** Pure: the file name of a PDF or attachment answer, `filename="a b.pdf"` or `filename=a.pdf`. */
export function fileNameOf(disposition: string | null | undefined): string | undefined {
  const m = /filename=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(disposition ?? '');
  const name = m?.[1] ?? m?.[2];
  return name === undefined || name === '' ? undefined : name;
}
