import type { MessageStore } from '../../core/store-types.js';
import type { ErsClient } from '../client.js';

export interface ReferralWithLetterOptions {
  /** With a store and key, a run after a crash between the two calls does not create again. */
  readonly store?: Pick<MessageStore, 'getCheckpoint' | 'setCheckpoint'>;
  readonly key?: string;
  readonly triage?: boolean;
  readonly signal?: AbortSignal;
}

export interface ReferralWithLetter {
  readonly ubrn: string;
  readonly version: string;
  readonly letter: { readonly bytes: Buffer; readonly fileName: string };
}

interface Created {
  readonly ubrn: string;
  readonly version: string;
}

const isCreated = (v: unknown): v is Created =>
  typeof (v as Created | undefined)?.ubrn === 'string' &&
  typeof (v as Created | undefined)?.version === 'string';

/**
 * Creates a referral (A011, or A021 with `triage`) and fetches its patient letter (A019: the
 * PDF the patient books with). The created UBRN is checkpointed before the letter is asked for,
 * so when A019 fails (or the process dies) the next run fetches the letter of the same referral
 * instead of creating a second one.
 */
export async function createReferralWithLetter(
  client: ErsClient,
  referral: unknown,
  options: ReferralWithLetterOptions = {},
): Promise<ReferralWithLetter> {
  const { store, key } = options;
  const signal = options.signal ? { signal: options.signal } : {};
  const saved = store && key ? await store.getCheckpoint(key) : undefined;
  let created: Created;
  if (isCreated(saved)) created = saved;
  else {
    const result = await client.execute(options.triage ? 'A021' : 'A011', referral, signal);
    created = { ubrn: result.output['ubrn'] ?? '', version: result.output['version'] ?? '' };
    if (store && key) await store.setCheckpoint(key, created);
  }
  const letter = await client.execute('A019', { ubrn: created.ubrn }, signal);
  return {
    ...created,
    letter: {
      bytes: letter.bytes ?? Buffer.alloc(0),
      fileName: letter.output['fileName'] ?? `${created.ubrn}_Patient_Letter.pdf`,
    },
  };
}
