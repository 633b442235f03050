import { EngineError } from '../../core/errors.js';
import type { ErsClient, ErsResult } from '../client.js';

export interface CancelAppointmentInput {
  readonly ubrn: string;
  /** An APPOINTMENT-CANCELLATION-REASON code (A004); some need a comment. */
  readonly reason: string;
  readonly comment?: string;
}

/**
 * Cancels a referral's directly booked appointment the platform's way: the referral (A005) names
 * its appointment, A038 reads that appointment at its current version, A034 puts it back
 * cancelled. Each read happens just before the update, so a retry after a version conflict (409)
 * reads again.
 */
export async function cancelBookedAppointment(
  client: ErsClient,
  input: CancelAppointmentInput,
  options: { signal?: AbortSignal } = {},
): Promise<ErsResult> {
  const referral = await client.execute('A005', { ubrn: input.ubrn }, options);
  const appointmentId = referral.output['appointmentId'];
  if (appointmentId === undefined)
    throw new EngineError(
      'ERS_INVALID_INPUT',
      `A005 ${input.ubrn}: the referral names no directly booked appointment to cancel`,
      { at: 'ubrn' },
    );
  const appointment = await client.execute('A038', { appointmentId }, options);
  return client.execute(
    'A034',
    {
      ...appointment.output,
      reason: input.reason,
      ...(input.comment === undefined ? {} : { comment: input.comment }),
    },
    options,
  );
}
