import type { MessageStore } from '../../../src/core/store-types.js';

/** A channel with an HTTP source on port 0 and a file destination: starts, stops, reloads. */
export const ALPHA_CHANNEL = `id: alpha
name: Alpha test channel
source: { type: http, port: 0 }
destinations:
  - { name: out, type: file, folder: out }
`;

export const SAMPLE_HL7 = [
  'MSH|^~\\&|PAS|RX1|ERS|NHS|20261125070000||REF^I12^REF_I12|CTRL-1|P|2.4',
  'PID|1||9434765919^^^NHS^NH||DOE^JANE',
  'RF1|A|R|GEN||||20261125',
].join('\r');

/** Stores a message and leaves it in `status` (as the engine would after a failure). */
export async function seedMessage(
  store: MessageStore,
  options: { status: 'ERROR' | 'NEEDS_REVIEW' | 'SENT'; ubrn?: string; channel?: string },
): Promise<number> {
  const { id } = await store.append({
    channel: options.channel ?? 'seeded',
    sender: 'PAS',
    controlId: `C-${Math.random().toString(36).slice(2)}`,
    contentType: 'application/hl7-v2',
    raw: Buffer.from(SAMPLE_HL7),
    messageType: 'REF^I12',
    searchKeys: options.ubrn ? { ubrn: options.ubrn } : {},
  });
  await store.transition(id, {
    to: options.status,
    stage: 'test',
    actor: 'engine',
    patch:
      options.status === 'SENT'
        ? {}
        : {
            error: {
              code: 'ERS_REJECTED',
              message: 'e-RS refused the referral',
              retry: 'permanent',
            },
          },
  });
  return id;
}
