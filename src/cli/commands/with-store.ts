import type { MessageStore } from '../../core/store-types.js';
import { openStoreFromFlags, type ConfigFlags } from '../options.js';

/** Opens the store for a reading command (never creating one), runs `work`, closes it. */
export async function withStore(
  flags: ConfigFlags,
  work: (store: MessageStore) => Promise<void>,
): Promise<void> {
  const store = await openStoreFromFlags(flags, { create: false });
  try {
    await work(store);
  } finally {
    await store.close();
  }
}
