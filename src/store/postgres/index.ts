// store/postgres: the scale-out MessageStore (issue 10). Not built yet.
import type { MessageStore } from '../types.js';

export function openPostgresStore(_options: {
  url: string;
  clock?: () => number;
}): Promise<MessageStore> {
  return Promise.reject(new Error('the PostgreSQL store is not available in this build yet'));
}
