import { createHash } from 'node:crypto';

/**
 * The one hash of a searchable identifier (`searchKeys.nhsNumberHash`…): sha256 hex of the value
 * with spaces and dashes removed, so `999 123 4564`, `999-123-4564` and `9991234564` agree
 * wherever they are stored or searched, and the identifier itself is never kept in clear.
 */
export function hashSearchValue(value: string): string {
  return createHash('sha256').update(value.replace(/[\s-]/g, '')).digest('hex');
}

/**
 * The ordering key of an identifier (UBRN, else NHS number) from its search hash, shared by every
 * source, so one patient's messages queue together whether they came by MLLP, batch file, CSV or
 * XML. Shortened: only the equality of keys matters, and the key sits in a hot index.
 */
export const orderingKeyFromHash = (searchHash: string): string => searchHash.slice(0, 32);

/** The ordering key of an identifier value (normalised and hashed as `hashSearchValue`). */
export const orderingKeyOf = (value: string): string => orderingKeyFromHash(hashSearchValue(value));
