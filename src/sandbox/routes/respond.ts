import type { Response } from 'express';
import { SandboxError } from '../outcome.js';
import { referralResource } from '../referral-resource.js';
import type { AdviceRequest, Referral, SandboxState } from '../state.js';

/** Answer with a referral, its weak ETag (ENDPOINTS.md §2.5) and the FHIR media type. */
export function sendReferral(state: SandboxState, res: Response, r: Referral, status = 200): void {
  res
    .status(status)
    .set('ETag', `W/"${r.version}"`)
    .type('application/fhir+json')
    .json(referralResource(state, r));
}

/** A referral by UBRN: 12 digits, known, and a referral rather than an A&G request. */
export function findReferral(state: SandboxState, ubrn: string | undefined): Referral {
  if (!ubrn || !/^\d{12}$/.test(ubrn))
    throw new SandboxError(422, 'INVALID_VALUE', `UBRN ${ubrn ?? ''} must be 12 digits`);
  const r = state.referrals.get(ubrn);
  if (r) return r;
  if (state.adviceRequests.has(ubrn))
    throw new SandboxError(
      422,
      'INVALID_REQUEST_TYPE',
      `${ubrn} is an Advice and Guidance request, not a referral`,
    );
  throw new SandboxError(422, 'NO_SUCH_REQUEST', `no referral ${ubrn}`);
}

/** An A&G request by UBRN; NO_SUCH_REQUEST is 404 on the A&G endpoints (ENDPOINTS.md §2.3). */
export function findAdvice(state: SandboxState, ubrn: string | undefined): AdviceRequest {
  const a = state.adviceRequests.get(ubrn ?? '');
  if (a) return a;
  if (state.referrals.has(ubrn ?? ''))
    throw new SandboxError(
      422,
      'INVALID_REQUEST_TYPE',
      `${ubrn ?? ''} is a referral, not an Advice and Guidance request`,
    );
  throw new SandboxError(404, 'NO_SUCH_REQUEST', `no Advice and Guidance request ${ubrn ?? ''}`);
}

/** e-RS locks a request while it is edited in the Professional App: writes answer 423. */
export function assertUnlocked(state: SandboxState, ubrn: string): void {
  if (state.locked.has(ubrn))
    throw new SandboxError(
      423,
      'REFERRAL_LOCKED',
      `request ${ubrn} is locked by another user; fetch it again and retry later`,
    );
}

/** Versioned reads: only the latest version is retrievable (404 HISTORY_NOT_SUPPORTED). */
export function assertLatest(version: string | undefined, current: number): void {
  if (version !== undefined && version !== String(current))
    throw new SandboxError(
      404,
      'HISTORY_NOT_SUPPORTED',
      `only the latest version (${current}) can be retrieved, not ${version}`,
    );
}
