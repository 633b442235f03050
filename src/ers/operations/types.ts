import type { z } from 'zod';

/** A request an operation builder produces: what the transport sends (path below the STU3 base). */
export interface OperationRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the STU3 base, with the query string for GETs (`/Slot?…`). */
  readonly path: string;
  readonly body?: Record<string, unknown>;
  /** Raw bytes (A020 upload) instead of a FHIR body. */
  readonly bytes?: { data: Buffer; contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** What the answer is: a FHIR resource, or binary content (PDF, attachment). */
  readonly expect: 'fhir' | 'binary' | 'none';
}

/**
 * What a builder needs beyond the logical inputs: the environment's base of the dynamic code
 * systems (`{codeSystemBase}/STU3/CodeSystem/SPECIALTY`, the `url` A004 answers with).
 */
export interface BuildContext {
  readonly codeSystemBase: string;
}

/** e-RS business functions (roles) a call can be made under (NHSD-eRS-Business-Function). */
export const BUSINESS_FUNCTIONS = [
  'REFERRING_CLINICIAN',
  'REFERRING_CLINICIAN_ADMIN',
  'REFERRING_ADMIN',
  'SERVICE_PROVIDER_CLINICIAN',
  'SERVICE_PROVIDER_CLINICIAN_ADMIN',
  'SERVICE_PROVIDER_ADMIN',
] as const;
export type BusinessFunction = (typeof BUSINESS_FUNCTIONS)[number];

export const REFERRER_ROLES = ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN'] as const;
export const PROVIDER_ROLES = [
  'SERVICE_PROVIDER_CLINICIAN',
  'SERVICE_PROVIDER_CLINICIAN_ADMIN',
] as const;
export const ANY_ROLE = [...REFERRER_ROLES, ...PROVIDER_ROLES] as const;

/** §8 Audit Type of a call (operations the vocabulary does not name keep `API <id>`). */
export type AuditType = `API ${string}`;
/** §8 optional Resource Type of an audit row. */
export const AUDIT_RESOURCE_TYPES = [
  'Worklist',
  'Referral Request',
  'Appointment Request',
  'Clinical Attachment',
] as const;
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];

/** What came back from e-RS, for an operation's answer reader. */
export interface Answer {
  readonly resource: Record<string, unknown> | undefined;
  readonly etag: string | undefined;
  readonly location: string | undefined;
}

/**
 * One e-RS operation, complete: the client validates and builds with it, the audit names the call
 * with it, and the role choice reads `side` (the business function our flows call it under).
 */
export interface OperationRecord<T = unknown> {
  readonly id: string;
  readonly name: string;
  readonly method: OperationRequest['method'];
  /** The spec's path template(s) below the STU3 base. */
  readonly paths: readonly string[];
  /** Business functions e-RS allows (NHS's sandbox allow-list). */
  readonly roles: readonly BusinessFunction[];
  /** Whose work this is: a provider operation goes out under the provider business function. */
  readonly side: 'referrer' | 'provider' | 'either';
  /** The side of one call when it depends on the input (A008's referrer worklists). */
  sideOf?(input: T): 'referrer' | 'provider';
  /** The request body's FHIR profile, when it has one. */
  readonly profile: string | undefined;
  readonly deprecated: boolean;
  readonly input: z.ZodType<T>;
  build(input: T, ctx?: BuildContext): OperationRequest;
  readonly auditType: AuditType;
  readonly resourceType: AuditResourceType | undefined;
  /** Typed facts later stages use (ubrn, version, attachmentUrl, …), read from the answer. */
  read(answer: Answer): Record<string, string>;
}
