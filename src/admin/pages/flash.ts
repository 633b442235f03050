/** Messages shown after a form post and redirect, chosen by key so the URL cannot inject text. */
export const FLASH = {
  started: { kind: 'ok', text: 'Channel started.' },
  stopped: { kind: 'ok', text: 'Channel stopped.' },
  reloaded: { kind: 'ok', text: 'Channel reloaded with the files now on disk.' },
  'reload-refused': {
    kind: 'error',
    text: 'Reload refused: the files on disk are not valid. The previous version is still running; see the channel’s last error or run "ers-bridge validate".',
  },
  reprocessed: {
    kind: 'ok',
    text: 'Message queued again; it will be processed with the mapping now live.',
  },
  resolved: { kind: 'ok', text: 'Marked resolved and closed as SENT, with your note.' },
  'bulk-reprocessed': { kind: 'ok', text: 'Messages matching the search were queued again.' },
  'bulk-reprocessed-skipped': {
    kind: 'error',
    text: 'Messages matching the search were queued again, but some were skipped and left as they were: SENT ones (their effects would repeat: reprocess them one by one to confirm), ones being processed, and ones with a call in flight. The audit log has the count.',
  },
  'rolled-back': {
    kind: 'ok',
    text: 'The kept version was written over the deployed mapping; running channels reload it.',
  },
} as const satisfies Record<string, { kind: 'ok' | 'error'; text: string }>;
export type FlashKey = keyof typeof FLASH;

export function flashFrom(query: unknown): { kind: 'ok' | 'error'; text: string } | undefined {
  const key = (query as Record<string, unknown>).flash;
  const count = Number((query as Record<string, unknown>).n);
  if (typeof key !== 'string' || !Object.hasOwn(FLASH, key)) return undefined;
  const flash = FLASH[key as FlashKey];
  return Number.isInteger(count) ? { kind: flash.kind, text: `${flash.text} (${count})` } : flash;
}
