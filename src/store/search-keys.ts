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

/** A UBRN: 12 digits. Anything else found where a UBRN may be is not indexed. */
const UBRN = /^\d{12}$/;
const UBRN_IN_PATH = /\/ReferralRequest\/(\d{12})(?:[/?$]|$)/;

/** The parts of a transition patch that can name a UBRN (see `learnedSearchKeys`). */
export interface KeySources {
  readonly searchKeys?: Readonly<Record<string, string>> | undefined;
  readonly destinationResults?: Readonly<Record<string, unknown>> | undefined;
  readonly mappedInput?: unknown;
  readonly outboundRequest?: unknown;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;

/** The UBRN a request names in its path (`/ReferralRequest/{ubrn}/…`), if any. */
function ubrnOfRequest(request: unknown): string | undefined {
  const path = record(request)?.['path'];
  return typeof path === 'string' ? UBRN_IN_PATH.exec(path)?.[1] : undefined;
}

/**
 * Pure: the search rows a transition adds, so a message is found by every UBRN it created or
 * touched, not only the one its body carried: the keys the patch sets, each destination result's
 * `output.ubrn` (an A011/A021 create answers with the new one) and the UBRN in its request path
 * (A005, A007, A012…), the mapped input's `ubrn`, and the request of a failed call. Rows only:
 * the message's `searchKeys` column keeps what the source and the mapping set.
 */
export function learnedSearchKeys(patch: KeySources | undefined): [string, string][] {
  if (patch === undefined) return [];
  const rows = new Map<string, [string, string]>();
  const add = (name: string, value: unknown): void => {
    if (typeof value === 'string' && value !== '') rows.set(`${name}\u0000${value}`, [name, value]);
  };
  const addUbrn = (value: unknown): void => {
    if (typeof value === 'string' && UBRN.test(value)) add('ubrn', value);
  };
  for (const [name, value] of Object.entries(patch.searchKeys ?? {})) add(name, value);
  for (const result of Object.values(patch.destinationResults ?? {})) {
    const r = record(result);
    addUbrn(record(r?.['output'])?.['ubrn']);
    addUbrn(ubrnOfRequest(r?.['request']));
  }
  addUbrn(record(record(patch.mappedInput)?.['input'])?.['ubrn']);
  addUbrn(ubrnOfRequest(patch.outboundRequest));
  return [...rows.values()];
}
