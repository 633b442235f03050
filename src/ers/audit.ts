import { hashSearchValue } from '../store/search-keys.js';
import type { ErsAuditDetail } from '../core/store-types.js';
import type { AuthContext } from './auth.js';
import type { OperationRequest } from './operations/types.js';
import { isOperationId, operationRecord } from './operations/index.js';
import { SYSTEM } from './systems.js';

/**
 * The audit row of one e-RS call (ENDPOINTS.md §8: event type, audit type, UTC time, user id,
 * OBO user, UBRN, NHS number, session, organisation, business function, ASID, host; optional
 * resource type, attachment id, file name). The NHS number is kept only as the store's search
 * hash (`hashSearchValue`, as `searchKeys.nhsNumberHash`), so a subject access request can find
 * the rows by hashing the number it asks about, and the table never holds it in clear.
 */
export interface CallFacts {
  readonly id: string;
  readonly request: OperationRequest;
  /** HTTP status, 0 when no answer came. */
  readonly status: number;
  readonly ms: number;
  readonly auth: AuthContext;
  readonly authMode: string;
  readonly host: string;
  readonly sentHeaders: Readonly<Record<string, string>>;
  /** The request body's JSON text as sent (absent for uploads and bodiless calls). */
  readonly sentBody?: string | undefined;
  readonly transactionId?: string | undefined;
  readonly resource?: Record<string, unknown> | undefined;
  readonly location?: string | undefined;
  readonly fileName?: string | undefined;
}

/** Audit Type of ENDPOINTS.md §8, from the operation's record (unknown ids keep their id). */
export function auditTypeOf(id: string): string {
  return isOperationId(id) ? operationRecord(id).auditType : `API ${id}`;
}

/** §8 optional Resource Type, from the operation's record. */
function resourceTypeOf(id: string): string | undefined {
  return isOperationId(id) ? operationRecord(id).resourceType : undefined;
}

/** Pure: the first NHS number identifier anywhere in a FHIR value (request body or answer). */
export function findNhsNumber(value: unknown, depth = 0): string | undefined {
  if (depth > 12 || value === null || typeof value !== 'object') return undefined;
  const v = value as { system?: unknown; value?: unknown };
  if (v.system === SYSTEM.nhsNumber && typeof v.value === 'string' && v.value !== '')
    return v.value;
  for (const child of Object.values(value)) {
    const found = findNhsNumber(child, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

const REFERENCE = /(?:ReferralRequest|CommunicationRequest)\/(\d{12})/;

/**
 * Pure: the UBRN a request concerns — path, body reference, or upload header. `sentBody` is the
 * body's JSON as sent, when the caller has it (the client does): not serialised a second time.
 */
export function findUbrn(request: OperationRequest, sentBody?: string): string | undefined {
  const inPath = REFERENCE.exec(decodeURIComponent(request.path))?.[1];
  if (inPath) return inPath;
  const inBody = request.body
    ? REFERENCE.exec(sentBody ?? JSON.stringify(request.body))?.[1]
    : undefined;
  return inBody ?? request.headers?.['NHSD-eRS-Referral-ID'];
}

/** Pure: the UBRN of a referral or A&G request a call created (A011, A021, A027). */
export function createdUbrn(facts: Pick<CallFacts, 'request' | 'resource'>): string | undefined {
  const type = facts.resource?.['resourceType'];
  const id = facts.resource?.['id'];
  if (facts.request.method !== 'POST' || typeof id !== 'string') return undefined;
  return type === 'ReferralRequest' || type === 'CommunicationRequest' ? id : undefined;
}

function attachmentIdOf(facts: CallFacts): string | undefined {
  const fromPath = /^\/Binary\/([^/?#]+)/.exec(facts.request.path)?.[1];
  return fromPath ?? /Binary\/([^/?#]+)/.exec(facts.location ?? '')?.[1];
}

const definedOnly = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

/** A created UBRN only when the request did not name one (A027 keeps the A&G UBRN). */
const ubrnCreated = (facts: CallFacts, named: string | undefined): string | undefined => {
  const created = createdUbrn(facts);
  return created !== named ? created : undefined;
};

/** Pure: the detail column of the audit row for one call. */
export function auditDetail(facts: CallFacts): ErsAuditDetail {
  const nhsNumber = findNhsNumber(facts.request.body) ?? findNhsNumber(facts.resource);
  const ubrn = findUbrn(facts.request, facts.sentBody);
  const a = facts.auth;
  return definedOnly({
    eventType: facts.request.method,
    auditType: auditTypeOf(facts.id),
    authMode: facts.authMode,
    accessMode: a.accessMode,
    httpStatus: facts.status,
    durationMs: facts.ms,
    ubrn,
    // Kept apart from `ubrn` (the UBRN the request named): the export's ubrn column is the latter.
    createdUbrn: ubrnCreated(facts, ubrn),
    nhsNumberHash: nhsNumber === undefined ? undefined : hashSearchValue(nhsNumber),
    userId: a.userId,
    onBehalfOfUserId: a.onBehalfOfUserId,
    organisation: a.organisation,
    organisationName: a.organisationName,
    businessFunction: a.businessFunction,
    asid: a.asid,
    sessionId: a.sessionId,
    host: facts.host,
    correlationId: facts.sentHeaders['X-Correlation-ID'],
    transactionId: facts.transactionId,
    resourceType: resourceTypeOf(facts.id),
    attachmentId: attachmentIdOf(facts),
    fileName: facts.request.headers?.['NHSD-eRS-File-Name'] ?? facts.fileName,
  });
}
