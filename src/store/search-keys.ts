import { createHash } from 'node:crypto';

/**
 * The one hash of a searchable identifier (`searchKeys.nhsNumberHash`…): sha256 hex of the value
 * with spaces and dashes removed, so `999 123 4564`, `999-123-4564` and `9991234564` agree
 * wherever they are stored or searched, and the identifier itself is never kept in clear.
 */
export function hashSearchValue(value: string): string {
  return createHash('sha256').update(value.replace(/[\s-]/g, '')).digest('hex');
}
